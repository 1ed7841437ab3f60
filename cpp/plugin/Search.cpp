//===- Search.cpp - the opt-in search after the guard (Search.h) ----------===//
#include "Search.h"

#include "passlm/Core.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>

using namespace llvm;

namespace passlm {

std::string SearchSummary::debugText() const {
  std::string Text = "search=" + std::to_string(Trials) + "/" +
                     std::to_string(Asked) + (Won ? " won" : " lost");
  if (Failed)
    Text += " failed=" + std::to_string(Failed);
  if (Exhausted)
    Text += " exhausted";
  if (OutOfTime)
    Text += " budget";
  return Text;
}

SearchSummary searchAfterGuard(HillClimb &Climb, unsigned N,
                               function_ref<SearchTrial(const std::string &)> Measure) {
  SearchSummary Summary;
  Summary.Asked = N;
  while (Summary.Trials < N) {
    std::optional<std::string> Next = Climb.propose();
    if (!Next) {
      Summary.Exhausted = true;
      break;
    }
    std::optional<uint64_t> Size;
    if (Error E = checkPipeline(*Next)) {
      consumeError(std::move(E)); // an element valid alone, not in this order
    } else {
      SearchTrial T = Measure(*Next);
      if (!T.Ran) {
        Summary.OutOfTime = true;
        break;
      }
      Size = T.Size;
    }
    ++Summary.Trials;
    if (!Size)
      ++Summary.Failed;
    if (Climb.record(*Next, Size))
      Summary.Won = true;
  }
  return Summary;
}

void warnSearchNeedsGuard(unsigned N) {
  static std::atomic<bool> Warned{false};
  if (!Warned.exchange(true))
    errs() << "passlm: warning: search=" + std::to_string(N) +
                  " needs the guard (guard=1) to measure its trials; not "
                  "searching\n";
}

} // namespace passlm
