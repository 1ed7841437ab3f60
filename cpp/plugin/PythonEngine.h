//===- PythonEngine.h - asking the Python engine for candidate pipelines --===//
#pragma once

#include "Options.h"

#include <optional>
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

/// What a guard measured for a module and its candidates, remembered by a
/// server so that a rebuild runs the winner without measuring again.
struct Verdict {
  std::string Pipeline;
  uint64_t Size = 0, Baseline = 0;
};

struct EngineAnswer {
  std::vector<std::string> Pipelines; // ranked, best first
  std::optional<Verdict> Known;       // the server's verdict for these, if any
  std::string Error;                  // one line; empty when the call worked
};

/// What an engine reads: the plugin prints the IR (which costs tens of ms on
/// a large module) only for engines that read it or its hash.
struct EngineNeeds {
  bool IR = true;
  bool Hash = true;
};

/// Asks the engine named by O.Engine what it needs (cached per engine spec).
/// On any failure, everything: the real call then reports the failure.
EngineNeeds engineNeeds(const Options &O);

/// Starts (once per process) the embedded interpreter and bridge, then asks
/// the engine named by O.Engine for up to O.K pipelines for IR. Never throws,
/// never aborts: every failure (no libpython, import error, exception,
/// timeout, garbage answer) comes back as Error.
EngineAnswer askEngine(const Options &O, const ModuleFacts &Facts,
                       const std::string &IR);

/// Tells the engine (a server keeps it; in-process engines ignore it) what
/// the guard kept for the module with hash Hash among Candidates (exactly
/// as the engine returned them). Best effort: failures are ignored.
void recordVerdict(const Options &O, const std::string &Hash,
                   const std::vector<std::string> &Candidates, const Verdict &V);

} // namespace passlm
