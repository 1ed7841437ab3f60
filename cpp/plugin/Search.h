//===- Search.h - the opt-in search after the guard (passlm<search=N>) ----===//
//
// Firmware builds may trade build time for size: after the guard has
// measured the engine's k candidates and -Oz, N more trials, each a mutation
// of the best pipeline so far (passlm::HillClimb, cpp/core/passlm/Search.h,
// the generator passlm eval --search uses too), run and measured like any
// candidate (in a forked child, Isolation.h, so a mutation that crashes or
// hangs LLVM costs that trial only). A trial replaces the best only when its
// object is strictly smaller, so the search never makes a module larger than
// the guard's choice, which is never larger than -Oz.
//
// Trust: mutations are combinations of the candidates' elements, not
// pipelines that passed miscompile screening (passlm screen); the README's
// settings say so. Off by default (search=0): nothing then changes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passlm/Search.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>
#include <string>

namespace passlm {

/// What one module's search did: the debug line's "search=" part.
struct SearchSummary {
  unsigned Asked = 0;     // N
  unsigned Trials = 0;    // mutations measured (failures included)
  unsigned Failed = 0;    // of which failed: rejected, crashed, timed out
  bool Won = false;       // a mutation is kept
  bool Exhausted = false; // the generator had nothing new to propose
  bool OutOfTime = false; // the time budget ended the search

  /// "search=TRIALS/N won|lost [failed=F] [exhausted|budget]".
  std::string debugText() const;
};

/// The outcome of one trial, as the guard measured it.
struct SearchTrial {
  bool Ran = false;               // false: the time budget was spent, nothing ran
  std::optional<uint64_t> Size;   // the object size, when the trial was ok
};

/// Runs up to N trials of Climb's proposals through Measure (the guard's
/// trial path) and records each; Climb.best() is then what to keep. A
/// proposal LLVM cannot parse is recorded as failed without a child.
SearchSummary searchAfterGuard(HillClimb &Climb, unsigned N,
                               llvm::function_ref<SearchTrial(const std::string &)> Measure);

/// search=N with the guard off: one warning line per process, no search
/// (there is no measurement to climb with).
void warnSearchNeedsGuard(unsigned N);

} // namespace passlm
