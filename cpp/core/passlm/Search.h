//===- passlm/Search.h - mutations around the best candidate, for search ---===//
//
// The opt-in search after the guard (passlm<search=N>, PASSLM_SEARCH=N; and
// passlm eval --search N): N more measured trials, each a mutation of the
// best pipeline so far, kept only when strictly smaller. The one generator
// of those mutations, for the plugin (cpp/plugin/Search.cpp) and for Python
// (passlm._core.HillClimb, used by passlm.pipelines.hillclimb and passlm
// eval), so eval's figures are what a build does.
//
// LLVM only (ADT), no exception thrown, no clock, no global state: the same
// inputs give the same proposals on every machine (the random numbers are
// SplitMix64's, not the standard library's distributions, whose results
// differ between implementations).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace passlm {

/// Passes whose result changes from run to run on the same input in LLVM 19
/// (GVNSink orders values by pointer and iterates a DenseSet; llvm/llvm-
/// project#77852). A pipeline that runs one can neither be replayed nor
/// trusted, so search never proposes one. Python's list is
/// passlm.pipelines.space.NONDETERMINISTIC; tests/pipelines/test_hillclimb.py
/// checks that the two agree.
inline constexpr const char *NondeterministicPasses[] = {"gvn-sink"};

/// False when Pipeline names a pass of NondeterministicPasses at any nesting
/// (as passlm.pipelines.space.is_deterministic: every identifier is a name).
bool isDeterministicPipeline(llvm::StringRef Pipeline);

/// The top-level elements of a pipeline string: split at commas outside ()
/// and <>, each trimmed, empty ones left out (as passlm.pipelines.space.
/// split_elements; tests/pipelines/test_hillclimb.py checks that they agree).
std::vector<std::string> splitPipelineElements(llvm::StringRef Pipeline);

/// Elements joined with commas: the canonical spelling of a pipeline here,
/// so that "a, b" and "a,b" are one pipeline to the measured set.
std::string joinPipelineElements(llvm::ArrayRef<std::string> Elements);

/// The seed of a module's search, from its content hash (passlm::
/// contentHash, Python's Module.hash): FNV-1a 64 of the text. The same IR
/// searches the same way in every build, whatever its file is called.
uint64_t searchSeed(llvm::StringRef ContentHash);

/// The next pipeline to measure: one mutation of Best, or std::nullopt when
/// none was found (every attempt was measured already, or Best and Ranked
/// offer nothing to mutate).
///
/// Ranked: the candidates in the model's order (best first), whose elements
/// are the material of insertions, replacements and splices: the candidate
/// a mutation takes from is drawn with weight R - r (rank r of R, 0-based),
/// so higher-ranked candidates give more. Mutations, drawn uniformly among
/// those that apply: insert an element; delete one (never the last); replace
/// one; swap two adjacent (different) ones; splice (a prefix of Best and a
/// suffix of a ranked candidate). When single mutations keep landing on
/// measured pipelines, two to four are applied at once.
///
/// Invariants:
///  - never a pipeline of Measured (compared in canonical spelling), never
///    Best itself, never an empty pipeline, never one that runs a pass of
///    NondeterministicPasses (nor takes an element that does);
///  - pure: a function of (Ranked, Best, Seed, Measured) only. Each call's
///    random stream is derived from Seed, Best and the size of Measured, so
///    a hill climb that records every proposal proposes something new each
///    step, and the same climb again proposes the same sequence;
///  - elements are copied as they are spelled: whether the result parses
///    and runs is for the caller's measurement to find out (its failures
///    are measured results too, and are not proposed again).
std::optional<std::string> proposeMutation(llvm::ArrayRef<std::string> Ranked,
                                           llvm::StringRef Best, uint64_t Seed,
                                           const std::set<std::string> &Measured);

/// The state of one module's hill climb: the current best and what was
/// measured. propose() asks proposeMutation; record() adds a measurement.
/// Invariant: best() is only ever replaced by a pipeline measured strictly
/// smaller than the best so far (ties keep the earlier, so the climb never
/// ends with a larger object than it started with).
class HillClimb {
public:
  /// Best and BestSize: what the guard kept and its object size; Measured:
  /// every pipeline the guard measured (candidates, -Oz), ok or not.
  HillClimb(std::vector<std::string> Ranked, std::string Best,
            uint64_t BestSize, llvm::ArrayRef<std::string> Measured,
            uint64_t Seed);

  std::optional<std::string> propose() const {
    return proposeMutation(Ranked, Best, Seed, Measured);
  }

  /// Pipeline was measured: Size is its object size, std::nullopt when it
  /// failed (rejected, crashed, timed out). Returns true when it became the
  /// best.
  bool record(llvm::StringRef Pipeline, std::optional<uint64_t> Size);

  const std::string &best() const { return Best; }
  uint64_t bestSize() const { return BestSize; }
  unsigned trials() const { return Trials; }       ///< records since the start
  unsigned failures() const { return Failures; }   ///< of which failed
  unsigned improvements() const { return Improvements; } ///< became the best

private:
  std::vector<std::string> Ranked;
  std::string Best;
  uint64_t BestSize;
  std::set<std::string> Measured; // canonical spellings
  uint64_t Seed;
  unsigned Trials = 0, Failures = 0, Improvements = 0;
};

} // namespace passlm
