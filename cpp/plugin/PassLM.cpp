//===- PassLM.cpp - the passlm pass ----------------------------------------===//
//
// USAGE:
//   opt-19 -load-pass-plugin=$(passlm plugin-path) -passes=passlm in.ll -o out.bc
//   opt-19 -load-pass-plugin=$(passlm plugin-path) \
//          -passes='passlm<k=4;guard=1;print>' in.ll -o out.bc
//   clang-19 -Oz -fpass-plugin=$(passlm plugin-path) -c x.c
//
//===----------------------------------------------------------------------===//
#include "PassLM.h"

#include "Isolation.h"
#include "PythonEngine.h"
#include "passlm/Core.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace llvm;

namespace passlm {

/// One line to stderr in one write: backends on several threads (lld's
/// ThinLTO) must not interleave their lines.
static void printLine(const std::string &Line) { errs() << Line + "\n"; }
static thread_local bool Inside = false;

bool insidePassLM() { return Inside; }

namespace {

struct ReentryGuard {
  ReentryGuard() { Inside = true; }
  ~ReentryGuard() { Inside = false; }
};

/// Chooses the pipeline for one module and reports problems the same way
/// everywhere: a warning line, or an error in strict mode.
class Chooser {
public:
  Chooser(Module &M, const Options &O) : M(M), O(O) {
    Name = M.getSourceFileName().empty() ? M.getModuleIdentifier()
                                         : M.getSourceFileName();
    Start = std::chrono::steady_clock::now();
  }

  std::string choose();

  uint64_t ChosenSize = 0, BaselineSize = 0;
  bool FromVerdict = false; // the sizes are a server's memory, not measured now

private:
  void problem(const std::string &What, bool FallsBack) {
    if (O.Strict) {
      M.getContext().emitError("passlm: " + Name + ": " + What);
      return;
    }
    printLine("passlm: warning: " + Name + ": " + What +
              (FallsBack ? std::string("; using ") + BaselinePipeline : ""));
  }

  unsigned remainingMs() const {
    auto Spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - Start)
                     .count();
    return Spent >= O.BudgetMs ? 0 : unsigned(O.BudgetMs - Spent);
  }

  std::vector<std::string> candidates();
  void reportDropped(bool NoneLeft);
  std::string engineName() const {
    return O.Engine.empty() ? "(default)" : O.Engine;
  }

  std::string measureAll(const std::vector<std::string> &Candidates, bool &Complete);

  Module &M;
  std::string Hash;                     // of the IR, when the engine wanted it
  std::vector<std::string> Proposed;    // the engine's answer, as it came
  std::optional<Verdict> Known;         // a server's verdict for Proposed
  std::vector<std::string> Dropped; // "'pipeline': why", in order
  const Options &O;
  std::string Name;
  std::chrono::steady_clock::time_point Start;
};

std::vector<std::string> Chooser::candidates() {
  ModuleFacts Facts;
  Facts.Name = Name;
  Facts.Triple = M.getTargetTriple();
  Facts.Instructions = countInstructions(M);
  EngineNeeds Needs = engineNeeds(O);
  std::string IR;
  if (Needs.IR || Needs.Hash)
    IR = printModuleAnonymous(M); // printed once, for the hash and the engine
  if (Needs.Hash)
    Hash = Facts.Hash = contentHashOfAnonymousText(IR);
  if (!Needs.IR)
    IR.clear();
  EngineAnswer Answer = askEngine(O, Facts, IR);
  if (!Answer.Error.empty()) {
    problem("engine " + engineName() + " failed: " + Answer.Error, true);
    return {};
  }
  if (Answer.Pipelines.empty()) {
    problem("engine " + engineName() + " returned no candidates", true);
    return {};
  }
  Proposed = Answer.Pipelines;
  Known = Answer.Known;
  // Parse each candidate here (cheap); unknown passes are dropped.
  std::vector<std::string> Valid;
  StringSet<> Seen;
  for (const std::string &P : Answer.Pipelines) {
    if (!Seen.insert(P).second)
      continue;
    if (Error E = checkPipeline(P)) {
      Dropped.push_back("'" + P + "': " + toString(std::move(E)));
      continue;
    }
    Valid.push_back(P);
  }
  return Valid;
}

void Chooser::reportDropped(bool NoneLeft) {
  if (NoneLeft) { // one line for the whole answer
    std::string Reasons;
    for (const std::string &D : Dropped)
      Reasons += (Reasons.empty() ? "" : "; ") + D;
    problem("no candidate of engine " + engineName() + " is usable (" +
                Reasons + ")",
            true);
    return;
  }
  for (const std::string &D : Dropped)
    problem("dropped candidate " + D, false);
}

std::string Chooser::choose() {
  std::vector<std::string> Candidates = candidates();
  if (Candidates.empty()) {
    if (!Dropped.empty())
      reportDropped(true);
    return BaselinePipeline;
  }
  // An earlier build already tried this very IR with these candidates and
  // these settings (a server remembers): run what it chose, try nothing.
  if (Known &&
      (Known->Pipeline == BaselinePipeline ||
       std::find(Candidates.begin(), Candidates.end(), Known->Pipeline) !=
           Candidates.end())) {
    reportDropped(false);
    ChosenSize = Known->Size;
    BaselineSize = Known->Baseline;
    FromVerdict = true;
    return Known->Pipeline;
  }
  bool Complete = true;
  std::string Chosen = measureAll(Candidates, Complete);
  if (Complete && !Chosen.empty())
    recordVerdict(O, Hash, Proposed, Verdict{Chosen, ChosenSize, BaselineSize});
  return Chosen.empty() ? BaselinePipeline : Chosen;
}

/// Measures -Oz and the candidates in children and returns what the guard
/// (chooseByGuard, Core.h) keeps: a candidate, -Oz by the guard's choice,
/// or "" when nothing could be compared (-Oz). Measuring stops where the
/// answer cannot change (-Oz failed; guard off and one candidate works) or
/// when the time budget is spent; Complete is then cleared, as it is when a
/// candidate failed, so the choice is not remembered.
std::string Chooser::measureAll(const std::vector<std::string> &Candidates,
                                bool &Complete) {
  bool Measure = O.Guard || O.Print;
  std::optional<Measured> Base;
  if (Measure) {
    Trial T = tryInChild(M, BaselinePipeline, true, remainingMs());
    Base = Measured{T.Ok, T.ObjectSize, T.Error};
  }
  std::vector<Measured> Results;
  if (!Base || Base->Ok) {
    for (size_t I = 0; I < Candidates.size(); ++I) {
      const std::string &P = Candidates[I];
      Trial T;
      if (P == BaselinePipeline) {
        T.Ok = true;
        T.ObjectSize = Base ? Base->ObjectSize : 0;
      } else {
        unsigned Left = remainingMs();
        if (Left == 0) {
          problem("time budget of " + std::to_string(O.BudgetMs) +
                      " ms spent after " + std::to_string(I) + " of " +
                      std::to_string(Candidates.size()) + " candidates",
                  false);
          Complete = false;
          break;
        }
        T = tryInChild(M, P, Measure, Left);
      }
      Results.push_back(Measured{T.Ok, T.ObjectSize, T.Error});
      if (T.Ok && !O.Guard)
        break; // the first that works wins: the rest cannot change that
    }
  }

  GuardChoice Choice = chooseByGuard(Base, Results, O.Guard);
  using Kind = GuardChoice::Kind;
  if (Choice.Choice == Kind::BaselineFailed) {
    problem(std::string("could not measure ") + BaselinePipeline + ": " +
                Base->Error,
            true);
    Complete = false;
    return "";
  }
  BaselineSize = Base ? Base->ObjectSize : 0;
  ChosenSize = Choice.ObjectSize;
  for (const auto &[Index, Why] : Choice.Dropped)
    Dropped.push_back("'" + Candidates[Index] + "': " + Why);
  if (!Choice.Dropped.empty())
    Complete = false;
  reportDropped(Choice.Choice == Kind::NoCandidateOk);
  switch (Choice.Choice) {
  case Kind::Candidate:
    return Candidates[Choice.Winner];
  case Kind::BaselineSmallest:
    return BaselinePipeline;
  default:
    return "";
  }
}

} // namespace

PreservedAnalyses PassLMPass::run(Module &M, ModuleAnalysisManager &) {
  if (Inside)
    return PreservedAnalyses::all();
  ReentryGuard Guard;

  Chooser C(M, Opts);
  std::string Pipeline = C.choose();
  if (Error E = runPipeline(M, Pipeline)) {
    // Tried in a child already, so this is not expected; stay safe anyway.
    printLine("passlm: warning: " + M.getSourceFileName() + ": '" + Pipeline +
              "' failed: " + toString(std::move(E)) + "; using " +
              BaselinePipeline);
    cantFail(runPipeline(M, BaselinePipeline));
  }
  if (Opts.Print) {
    std::string Line;
    raw_string_ostream OS(Line);
    OS << "passlm: " << M.getSourceFileName() << ": '" << Pipeline << "' "
       << C.ChosenSize << " bytes, -Oz " << C.BaselineSize << " bytes";
    if (C.BaselineSize)
      OS << format(" (%+.2f%%)", 100.0 * (double(C.ChosenSize) -
                                          double(C.BaselineSize)) /
                                     double(C.BaselineSize));
    if (C.FromVerdict)
      OS << " (measured in an earlier build)";
    printLine(OS.str());
  }
  if (VetoLaterPasses)
    VetoLaterPasses->store(true);
  return PreservedAnalyses::none();
}

} // namespace passlm
