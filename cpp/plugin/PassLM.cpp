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
#include "Search.h"
#include "ServerClient.h"
#include "passlm/Core.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <chrono>
#include <cstdio>

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

/// Where the engine's answer came from: it decides where the verdict goes.
enum class Route {
  None,      // no answer
  Server,    // ServerClient: the server answered
  Bridge,    // the embedded bridge, on PASSLM_SERVER's route
  InProcess, // the bridge, in-process, after the server failed
};

const char *routeName(Route R) {
  switch (R) {
  case Route::Server: return "server";
  case Route::Bridge: return "bridge";
  case Route::InProcess: return "in-process";
  case Route::None: break;
  }
  return "none";
}

double millisecondsSince(std::chrono::steady_clock::time_point Start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - Start)
      .count();
}

/// Chooses the pipeline for one module and reports problems the same way
/// everywhere: a warning line, or an error in strict mode.
///
/// Budgets: waiting for the engine is bounded by its own timeouts (the
/// server's, PASSLM_SERVER_TIMEOUT_MS; then the bridge's, O.TimeoutMs, which
/// an in-process retry after a failed server gets afresh); measuring is
/// bounded by O.BudgetMs, counted from the engine's answer. The -Oz trial
/// may start earlier (it needs no answer), while the engine is awaited.
class Chooser {
public:
  Chooser(Module &M, const Options &O) : M(M), O(O) {
    Name = M.getSourceFileName().empty() ? M.getModuleIdentifier()
                                         : M.getSourceFileName();
    MeasureStart = std::chrono::steady_clock::now();
  }

  std::string choose();
  std::string debugLine() const;

  uint64_t ChosenSize = 0, BaselineSize = 0;
  /// Wall time of each phase, for PASSLM_DEBUG (bench_build sums them over a
  /// build): asking the engine (IR printed and hashed, the round trip or the
  /// bridge, Python's start included), measuring (the guard's trials and any
  /// search), and running the chosen pipeline in this process (PassLMPass).
  double EngineMs = 0, GuardMs = 0, FinalMs = 0;
  bool SizesKnown = false;  // the sizes above were measured, now or earlier
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
                     std::chrono::steady_clock::now() - MeasureStart)
                     .count();
    return Spent >= O.BudgetMs ? 0 : unsigned(O.BudgetMs - Spent);
  }

  bool measures() const { return O.Guard || O.Print; }
  void startBaseline();
  std::optional<Measured> finishBaseline();
  EngineAnswer ask(const ModuleFacts &Facts, const std::string &IR);
  std::vector<std::string> candidates();
  void reportDropped(bool NoneLeft);
  void rememberVerdict(const Verdict &V);
  std::string engineName() const {
    return O.Engine.empty() ? "(default)" : O.Engine;
  }

  std::string measureAll(const std::vector<std::string> &Candidates, bool &Complete);
  std::string search(const std::vector<std::string> &Candidates,
                     const std::string &Chosen);

  Module &M;
  std::string Hash;                     // of the IR, when the engine wanted it
  std::vector<std::string> Proposed;    // the engine's answer, as it came
  std::optional<Verdict> Known;         // a server's verdict for Proposed
  std::vector<std::string> Dropped; // "'pipeline': why", in order
  const Options &O;
  std::string Name;
  std::chrono::steady_clock::time_point MeasureStart;
  Route AnsweredBy = Route::None;
  std::optional<ServerRoute> Server; // the server asked, if any
  ChildTrial Baseline;               // the -Oz trial, once started
  bool BaselineStarted = false;
  bool BaselineEarly = false; // started before the engine answered
  bool EngineDone = false;    // the engine has answered (or failed)
  MeasuredModules Modules; // sizes by optimized module, for this module
  unsigned Trials = 0;     // trials collected
  /// The optimized module each measured trial made, by pipeline.
  std::map<std::string, OptimizedModule> Optimized;
  std::vector<std::string> Ranked;     // candidates measured ok, engine's order
  std::optional<SearchSummary> Searched; // when the search ran (Search.h)

public:
  /// What Pipeline made of the module in its trial, if it was measured and
  /// read back; null otherwise.
  const OptimizedModule *optimizedModule(const std::string &Pipeline) const {
    auto It = Optimized.find(Pipeline);
    return It == Optimized.end() || It->second.Bitcode.empty() ? nullptr
                                                               : &It->second;
  }
  bool Adopted = false; // the compiler took the trial's module (debug line)
};

void Chooser::startBaseline() {
  if (!measures() || BaselineStarted)
    return;
  BaselineStarted = true;
  BaselineEarly = !EngineDone;
  // Nothing to ask before its codegen: every candidate comes after it.
  Baseline = ChildTrial::start(M, BaselinePipeline, true,
                               /*AskBeforeCodegen=*/false, O.BudgetMs, O.Adopt);
}

std::optional<Measured> Chooser::finishBaseline() {
  if (!measures())
    return std::nullopt;
  startBaseline();
  Trial T = Baseline.finish(remainingMs(), &Modules);
  ++Trials;
  if (O.Adopt && T.Ok)
    Optimized[BaselinePipeline] = std::move(T.Module);
  return Measured{T.Ok, T.ObjectSize, T.Error};
}

/// The engine's answer: from the server directly when its route says so
/// (no Python in this process); else, or when no server listens and one may
/// be started, through the embedded bridge as configured; after a server
/// failed, through the bridge in-process, with one warning line for both.
EngineAnswer Chooser::ask(const ModuleFacts &Facts, const std::string &IR) {
  std::string ServerError;
  Server = serverRoute(O.Engine);
  if (Server) {
    PredictRequest Request{resolveEngineSpec(O.Engine), O.K, O.choiceMode(),
                           Facts, IR};
    ServerExchange X = exchangeWithServer(
        *Server, writeMessage(toJSON(Request)), serverTimeoutMs(),
        // A cache hit with a verdict answers within a few ms and needs no
        // trial at all; anything slower (a prediction) overlaps the -Oz one.
        [this] { startBaseline(); }, O.OverlapMs);
    using Outcome = ServerExchange::Outcome;
    if (X.Result == Outcome::Answered) {
      Expected<PredictReply> Reply = readServerPredictReply(Server->Socket, X.Reply);
      if (Reply) {
        AnsweredBy = Route::Server;
        EngineAnswer Answer;
        for (const passlm::Candidate &C : Reply->Candidates) {
          StringRef Pipeline = StringRef(C.Pipeline).trim();
          if (!Pipeline.empty())
            Answer.Pipelines.push_back(Pipeline.str());
        }
        Answer.Known = Reply->Known;
        return Answer;
      }
      ServerError = toString(Reply.takeError());
    } else if (X.Result == Outcome::Failed) {
      ServerError = X.Error;
    }
  }
  startBaseline(); // the bridge holds the fork gate while it runs
  if (ServerError.empty()) {
    AnsweredBy = Route::Bridge;
    return askEngine(O, Facts, IR);
  }
  AnsweredBy = Route::InProcess;
  EngineAnswer Answer = askEngine(O, Facts, IR, BridgeRoute::InProcess);
  if (Answer.Error.empty())
    problem(ServerError + "; answered in-process", false);
  else
    Answer.Error = ServerError + "; in-process: " + Answer.Error;
  return Answer;
}

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
  EngineAnswer Answer = ask(Facts, IR);
  EngineDone = true;
  MeasureStart = std::chrono::steady_clock::now(); // measuring starts now
  if (!Answer.Error.empty()) {
    AnsweredBy = Route::None;
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

/// Tells whoever answered what the guard kept, so that a rebuild measures
/// nothing: the server itself, or the bridge (which passes it to the server
/// it asked). An in-process answer has nobody to remember it.
void Chooser::rememberVerdict(const Verdict &V) {
  if (AnsweredBy == Route::Bridge) {
    recordVerdict(O, Hash, Proposed, V);
  } else if (AnsweredBy == Route::Server && !Hash.empty()) {
    VerdictRequest Request{resolveEngineSpec(O.Engine), Hash, O.choiceMode(),
                           Proposed, V};
    // Best effort: a verdict not kept costs the next build one measurement.
    exchangeWithServer(*Server, writeMessage(toJSON(Request)), serverTimeoutMs());
  }
}

std::string Chooser::choose() {
  if (O.Search && !O.Guard)
    warnSearchNeedsGuard(O.Search);
  auto Asked = std::chrono::steady_clock::now();
  std::vector<std::string> Candidates = candidates();
  EngineMs = millisecondsSince(Asked);
  auto Measuring = std::chrono::steady_clock::now();
  struct Timer { // GuardMs on every way out below
    double &Ms; std::chrono::steady_clock::time_point Start;
    ~Timer() { Ms = millisecondsSince(Start); }
  } GuardTimer{GuardMs, Measuring};
  if (Candidates.empty()) {
    if (!Dropped.empty())
      reportDropped(true);
    if (O.Print) { // the line then shows -Oz's real size, not nothing
      std::optional<Measured> Base = finishBaseline();
      if (Base && Base->Ok) {
        ChosenSize = BaselineSize = Base->ObjectSize;
        SizesKnown = true;
      }
    }
    Baseline.abandon();
    return BaselinePipeline;
  }
  // An earlier build already tried this very IR with these candidates and
  // these settings (a server remembers): run what it chose, try nothing.
  // Not with the search: its choice is no verdict's (the key has no search).
  if (Known && !O.Search &&
      (Known->Pipeline == BaselinePipeline ||
       std::find(Candidates.begin(), Candidates.end(), Known->Pipeline) !=
           Candidates.end())) {
    Baseline.abandon();
    reportDropped(false);
    ChosenSize = Known->Size;
    BaselineSize = Known->Baseline;
    SizesKnown = FromVerdict = true;
    return Known->Pipeline;
  }
  bool Complete = true;
  std::string Chosen = measureAll(Candidates, Complete);
  if (O.Search && O.Guard && !Chosen.empty())
    return search(Candidates, Chosen);
  if (Complete && !Chosen.empty())
    rememberVerdict(Verdict{Chosen, ChosenSize, BaselineSize});
  return Chosen.empty() ? BaselinePipeline : Chosen;
}

/// Measures -Oz and the candidates in children and returns what the guard
/// (chooseByGuard, Core.h) keeps: a candidate, -Oz by the guard's choice,
/// or "" when nothing could be compared (-Oz). Measuring stops where the
/// answer cannot change (-Oz failed; guard off and one candidate works) or
/// when the time budget is spent; Complete is then cleared, as it is when a
/// candidate failed, so the choice is not remembered. A candidate whose
/// optimized module is one already measured (-Oz's, or an earlier
/// candidate's) is not compiled again: same module, same size.
std::string Chooser::measureAll(const std::vector<std::string> &Candidates,
                                bool &Complete) {
  bool Measure = measures();
  std::optional<Measured> Base = finishBaseline();
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
        T = tryInChild(M, P, Measure, Left, Measure ? &Modules : nullptr, O.Adopt);
        ++Trials;
        if (O.Adopt && T.Ok)
          Optimized[P] = std::move(T.Module);
      }
      Results.push_back(Measured{T.Ok, T.ObjectSize, T.Error});
      if (T.Ok)
        Ranked.push_back(P);
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
  SizesKnown = Measure;
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

/// The opt-in search (Search.h): O.Search more trials around the guard's
/// choice, each on the candidates' trial path; returns what to keep.
std::string Chooser::search(const std::vector<std::string> &Candidates,
                            const std::string &Chosen) {
  std::vector<std::string> Measured(Candidates);
  Measured.push_back(BaselinePipeline);
  HillClimb Climb(Ranked, Chosen, ChosenSize, Measured,
                  searchSeed(Hash.empty() ? contentHash(M) : Hash));
  Searched = searchAfterGuard(Climb, O.Search, [&](const std::string &P) {
    unsigned Left = remainingMs();
    if (Left == 0)
      return SearchTrial{};
    Trial T = tryInChild(M, P, true, Left, &Modules, O.Adopt);
    ++Trials;
    if (O.Adopt && T.Ok)
      Optimized[P] = std::move(T.Module);
    return SearchTrial{true, T.Ok ? std::optional<uint64_t>(T.ObjectSize)
                                  : std::nullopt};
  });
  if (Searched->OutOfTime)
    problem("time budget of " + std::to_string(O.BudgetMs) + " ms spent after " +
                std::to_string(Searched->Trials) + " of " +
                std::to_string(O.Search) + " search trials",
            false);
  ChosenSize = Climb.bestSize();
  return Climb.best();
}

std::string Chooser::debugLine() const {
  char Times[96];
  std::snprintf(Times, sizeof Times, " engine_ms=%.1f guard_ms=%.1f final_ms=%.1f",
                EngineMs, GuardMs, FinalMs);
  return "passlm: debug: " + Name + ": route=" + routeName(AnsweredBy) +
         " trials=" + std::to_string(Trials) +
         " codegens=" + std::to_string(Modules.Codegens) +
         " reused=" + std::to_string(Modules.Reused) +
         " verdict=" + (FromVerdict ? "yes" : "no") +
         " baseline=" + (!BaselineStarted ? "none" : BaselineEarly ? "early" : "after") +
         " adopted=" + (Adopted ? "yes" : "no") +
         Times +
         (Searched ? " " + Searched->debugText() : "");
}

} // namespace

PreservedAnalyses PassLMPass::run(Module &M, ModuleAnalysisManager &) {
  if (Inside)
    return PreservedAnalyses::all();
  ReentryGuard Guard;

  Chooser C(M, Opts);
  std::string Pipeline = C.choose();
  auto Final = std::chrono::steady_clock::now();
  // The winner's trial already made the optimized module: take it rather
  // than run the pipeline again (any problem: run it, as without a trial).
  if (const OptimizedModule *Optimized = C.optimizedModule(Pipeline)) {
    if (Error E = adoptOptimizedModule(M, *Optimized)) {
      std::string Why = toString(std::move(E));
      if (Opts.Debug)
        printLine("passlm: debug: " + M.getSourceFileName() + ": not adopted: " + Why);
    } else
      C.Adopted = true;
  }
  if (C.Adopted) {
    // M is the trial's module: pipeline run and verified in the child.
  } else if (Error E = runPipeline(M, Pipeline)) {
    // Tried in a child already, so this is not expected; stay safe anyway.
    printLine("passlm: warning: " + M.getSourceFileName() + ": '" + Pipeline +
              "' failed: " + toString(std::move(E)) + "; using " +
              BaselinePipeline);
    cantFail(runPipeline(M, BaselinePipeline));
  }
  C.FinalMs = millisecondsSince(Final);
  if (Opts.Print) {
    std::string Line;
    raw_string_ostream OS(Line);
    OS << "passlm: " << M.getSourceFileName() << ": '" << Pipeline << "' ";
    if (C.SizesKnown)
      OS << C.ChosenSize << " bytes, -Oz " << C.BaselineSize << " bytes";
    else // nothing measured (-Oz failed): no figure rather than a false 0
      OS << "(sizes not measured)";
    if (C.SizesKnown && C.BaselineSize)
      OS << format(" (%+.2f%%)", 100.0 * (double(C.ChosenSize) -
                                          double(C.BaselineSize)) /
                                     double(C.BaselineSize));
    if (C.FromVerdict)
      OS << " (measured in an earlier build)";
    printLine(OS.str());
  }
  if (Opts.Debug)
    printLine(C.debugLine());
  if (VetoLaterPasses)
    VetoLaterPasses->store(true);
  return PreservedAnalyses::none();
}

} // namespace passlm
