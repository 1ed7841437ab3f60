//===- PythonEngine.h - asking the Python engine for candidate pipelines --===//
#pragma once

#include "Options.h"

#include <string>
#include <vector>

namespace passlm {

/// What the plugin tells the engine about a module.
struct ModuleFacts {
  std::string Name;  // source file name
  std::string Hash;  // contentHash, the key of table: engines
  std::string Triple;
  uint64_t Instructions = 0;
};

struct EngineAnswer {
  std::vector<std::string> Pipelines; // ranked, best first
  std::string Error;                  // one line; empty when the call worked
};

/// Starts (once per process) the embedded interpreter and bridge, then asks
/// the engine named by O.Engine for up to O.K pipelines for IR. Never throws,
/// never aborts: every failure (no libpython, import error, exception,
/// timeout, garbage answer) comes back as Error.
EngineAnswer askEngine(const Options &O, const ModuleFacts &Facts,
                       const std::string &IR);

} // namespace passlm
