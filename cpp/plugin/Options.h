//===- Options.h - passlm's settings: environment, then pass parameters ---===//
//
// clang cannot pass a plugin's cl::opts reliably, so settings come from
// PASSLM_* environment variables, the same in opt and clang; in opt the pass
// parameters (-passes='passlm<k=4;guard=0>') override them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace passlm {

struct Options {
  std::string Engine;      // PASSLM_ENGINE; "" = the Python side's default
  unsigned K = 3;          // PASSLM_K: candidates asked of the engine (Python: DEFAULT_K)
  bool Guard = true;       // PASSLM_GUARD: keep the smallest of candidates and -Oz
  bool Print = false;      // PASSLM_PRINT: one line per module on stderr
  bool Strict = false;     // PASSLM_STRICT: failures are errors
  std::string Python;      // PASSLM_PYTHON: interpreter to embed
  unsigned TimeoutMs = 60000; // PASSLM_TIMEOUT_MS: one engine call
  unsigned BudgetMs = 30000;  // PASSLM_BUDGET_MS: measuring candidates, per module,
                              // from the engine's answer on (waiting for it is
                              // TimeoutMs's, or the server's timeout)
  unsigned OverlapMs = 10;  // PASSLM_OVERLAP_MS: a server's reply slower than
                            // this starts the -Oz trial meanwhile (a cache hit
                            // with a verdict, faster, needs no trial)
  bool Adopt = false;       // PASSLM_ADOPT: take the winning trial's optimized
                           // module rather than run its pipeline again; off by
                           // default: exact only when its bitcode reads back
                           // exactly (checked), which some modules miss (-g)
  bool Debug = false;      // PASSLM_DEBUG: one "passlm: debug:" line per module
                           // (the engine's route, trials, codegens, reuse)
  unsigned Search = 0;     // PASSLM_SEARCH: after the guard, this many more
                           // trials, each a mutation of the best so far
                           // (Search.h); 0: none. Needs the guard.

  /// Defaults overridden by the PASSLM_* environment. Malformed values are
  /// reported in Problems (one "passlm: warning: ..." line each) and ignored.
  static Options fromEnvironment(std::string &Problems);

  /// How the plugin chooses among candidates (a message's "choice"): part
  /// of a verdict's key, since each mode keeps a different candidate (and
  /// only some measure sizes).
  const char *choiceMode() const {
    return Guard ? "guard" : Print ? "first-measured" : "first";
  }

  /// Applies "k=4;guard=0;engine=fixed:default<Oz>;print;strict" (opt pass
  /// parameters; ';' inside <...> does not split).
  llvm::Error applyParameters(llvm::StringRef Params);
};

} // namespace passlm
