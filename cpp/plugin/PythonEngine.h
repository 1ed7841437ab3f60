//===- PythonEngine.h - asking the Python engine for candidate pipelines --===//
#pragma once

#include "Messages.h"
#include "Options.h"

#include <optional>
#include <string>
#include <vector>

namespace passlm {

struct EngineAnswer {
  std::vector<std::string> Pipelines; // ranked, best first
  std::optional<Verdict> Known;       // the server's verdict for these, if any
  std::string Error;                  // one line; empty when the call worked
};

/// What the engine named by O.Engine reads, as its last answer in this
/// process said (cached per engine spec); everything until one has. Asks
/// nothing: the predict reply carries it.
EngineNeeds engineNeeds(const Options &O);

/// How the bridge routes a request (passlm.bridge).
enum class BridgeRoute {
  AsConfigured, // PASSLM_SERVER's route: a served engine through its server
  InProcess,    // the engine here: the plugin's own client asked the server
                // and it failed (the plugin prints the one warning)
};

/// Starts (once per process) the embedded interpreter and bridge, then asks
/// the engine named by O.Engine for up to O.K pipelines for IR, within
/// O.TimeoutMs. Never throws, never aborts: every failure (no libpython,
/// import error, exception, timeout, garbage answer) comes back as Error.
EngineAnswer askEngine(const Options &O, const ModuleFacts &Facts,
                       const std::string &IR,
                       BridgeRoute Route = BridgeRoute::AsConfigured);

/// Tells the engine (a server keeps it; in-process engines ignore it) what
/// the guard kept for the module with hash Hash among Candidates (exactly
/// as the engine returned them). Best effort: failures are ignored.
void recordVerdict(const Options &O, const std::string &Hash,
                   const std::vector<std::string> &Candidates, const Verdict &V);

} // namespace passlm
