//===- Guard.cpp - the guard's decision: a candidate, or -Oz --------------===//
//
// The rules are written down once, in Core.h (chooseByGuard); the plugin's
// choice and passlm eval's guarded columns both come from here, so a figure
// in a report is what the compiler would have kept.
//
//===----------------------------------------------------------------------===//
#include "passlm/Core.h"

namespace passlm {

GuardChoice chooseByGuard(const std::optional<Measured> &Baseline,
                          llvm::ArrayRef<Measured> Candidates, bool Guard) {
  GuardChoice Result;
  if (Baseline ? !Baseline->Ok : Guard) {
    Result.Choice = GuardChoice::Kind::BaselineFailed;
    return Result;
  }
  bool AnyOk = false;
  for (size_t I = 0; I < Candidates.size(); ++I) {
    const Measured &C = Candidates[I];
    if (!C.Ok) {
      Result.Dropped.emplace_back(I, C.Error);
      continue;
    }
    if (!Guard) { // the engine's best that works
      Result.Choice = GuardChoice::Kind::Candidate;
      Result.Winner = I;
      Result.ObjectSize = C.ObjectSize;
      return Result;
    }
    // Strictly smaller than the best so far (first -Oz): ties go to -Oz,
    // then to the earlier candidate.
    uint64_t Best = Result.keepsCandidate() ? Result.ObjectSize
                                            : Baseline->ObjectSize;
    if (C.ObjectSize < Best) {
      Result.Choice = GuardChoice::Kind::Candidate;
      Result.Winner = I;
      Result.ObjectSize = C.ObjectSize;
    }
    AnyOk = true;
  }
  if (!Result.keepsCandidate()) {
    Result.Choice = AnyOk ? GuardChoice::Kind::BaselineSmallest
                          : GuardChoice::Kind::NoCandidateOk;
    Result.ObjectSize = Baseline ? Baseline->ObjectSize : 0;
  }
  return Result;
}

} // namespace passlm
