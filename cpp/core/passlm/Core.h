//===- passlm/Core.h - LLVM-only services shared by the extension and plugin ===//
//
// Everything here touches LLVM only: no Python, and no C++ exception is ever
// thrown (errors come back as llvm::Error / Expected), so the same code runs
// inside opt and clang (the plugin) and inside Python (the _core extension).
//
// Thread safety: an LLVMContext and its modules must be used by one thread at
// a time; callers lock. Everything process-wide (target registration, the
// per-thread TargetMachine cache) is safe to use from many threads.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace passlm {

/// The pipeline every choice is measured against and falls back to: clang
/// -Oz's middle end. The one spelling of it in C++ (Python's is
/// passlm.defaults.OZ); messages are built from it too.
inline constexpr char BaselinePipeline[] = "default<Oz>";

/// Registers every target LLVM was built with, once per process.
void initializeTargets();

/// Where parsing failed. Line and column are 1-based; 0 when not applicable
/// (bitcode errors have no line).
struct ParseDiagnostic {
  std::string File;
  int Line = 0;
  int Column = 0;
  std::string Message;
};

/// Parses textual IR or bitcode (detected by its magic). On failure returns
/// null and fills Diag.
std::unique_ptr<llvm::Module> parseModule(llvm::MemoryBufferRef Buffer,
                                          llvm::LLVMContext &Ctx,
                                          ParseDiagnostic &Diag);

/// The largest module file readModuleFile accepts (512 MiB): far above any
/// real module, well below what would exhaust memory.
inline constexpr uint64_t MaxModuleFileBytes = uint64_t(512) << 20;

/// The bytes of a module file (textual IR or bitcode), for parseModule.
/// Refuses what is not a regular file (a device such as /dev/zero, even
/// through a symlink, would be read until memory runs out; a FIFO would
/// block) and files over MaxModuleFileBytes: checked by name before opening,
/// then again on the open descriptor (what is read is what was checked).
/// Every error names
/// the file and carries an errno-style code (EISDIR, EINVAL, EFBIG, or the
/// system's).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readModuleFile(llvm::StringRef Path);

/// Textual IR, as opt -S prints it.
std::string printModule(const llvm::Module &M);

/// Bitcode bytes, as opt writes them: with use-list order preserved. Use-list
/// order is state that textual IR and CloneModule lose, and it changes what
/// passes and codegen do (seen: 7 bytes on a 2 KB object), so every copy
/// passlm makes goes through this bitcode to stay exact.
std::string writeBitcode(const llvm::Module &M);

/// Copies M into another context through use-list-preserving bitcode.
std::unique_ptr<llvm::Module> cloneIntoContext(const llvm::Module &M,
                                               llvm::LLVMContext &Ctx);

/// The verifier's message, or "" when M is valid.
std::string verifyModule(const llvm::Module &M);

/// Number of instructions in all function bodies (what `instcount` counts).
uint64_t countInstructions(const llvm::Module &M);

/// SHA-256 (hex) of the module's text with the module identifier and source
/// file name blanked, so the same IR compiled from different paths agrees.
std::string contentHash(llvm::Module &M);

/// The text contentHash hashes (the module printed with its identifier and
/// source file name blanked), and the hash of such a text: for callers that
/// need both the IR and its hash without printing twice.
std::string printModuleAnonymous(llvm::Module &M);
std::string contentHashOfAnonymousText(llvm::StringRef Text);

/// The TargetMachine for M's triple (the host's when M has none), with
/// clang -Oz's codegen settings (PIC, codegen -O2). Cached per thread: the
/// returned machine belongs to the calling thread.
llvm::Expected<llvm::TargetMachine *> targetMachineFor(const llvm::Module &M);

/// Runs a new-PM pipeline string (opt -passes syntax) on M in place, with
/// M's TargetMachine, as opt does. A malformed pipeline or unknown pass is an
/// Error with LLVM's message; M is untouched in that case. The result is not
/// verified (evaluate does that).
/// Caution: some pipelines parse and then abort the process at run time
/// (report_fatal_error); nothing in-process can catch that.
llvm::Error runPipeline(llvm::Module &M, llvm::StringRef Pipeline);

/// Forks and pipeline setup exclude each other. Setting a pipeline up and
/// tearing it down takes process-wide locks (LLVM's timer-group lock, in
/// every StandardInstrumentations; the plugin list), and a child forked while
/// another thread holds one blocks on it forever: a trial that never ends
/// (seen: a child stuck in TimerGroup::TimerGroup, from Python threads that
/// evaluate while others run the plugin). So runPipeline and checkPipeline
/// set up and tear down in shared sections, and a pthread_atfork handler
/// makes every fork in the process (the plugin's trials included, whichever
/// copy of this code made the section) wait until none is open.

/// Loads a pass plugin (PassPlugin::Load) into this process: every pipeline
/// run afterwards can name its passes.
llvm::Error loadPassPlugin(llvm::StringRef Path);

/// Only parses Pipeline; returns LLVM's message on failure.
llvm::Error checkPipeline(llvm::StringRef Pipeline);

/// Object sizes of modules already compiled, keyed by bitcodeFingerprint.
/// Identical IR compiles to an identical object, and in tuning many
/// pipelines produce the same IR (on the examples, about 60 % of random pass
/// lists repeat an earlier result), so codegen can be skipped for them.
/// Content-keyed, hence never stale; thread-safe; bounded (oldest out first).
class SizeMemo {
public:
  explicit SizeMemo(size_t Capacity = 1 << 14) : Capacity(Capacity) {}
  std::optional<uint64_t> find(const std::string &Key);
  void insert(const std::string &Key, uint64_t Size);
  uint64_t hits() const { return Hits; }
  uint64_t misses() const { return Misses; }

private:
  std::mutex Mutex;
  size_t Capacity;
  std::unordered_map<std::string, uint64_t> Sizes;
  std::deque<std::string> Order;
  uint64_t Hits = 0, Misses = 0;
};

/// SHA-256 (raw bytes) of M's use-list-preserving bitcode: equal
/// fingerprints, equal objects.
std::string bitcodeFingerprint(const llvm::Module &M);

/// Why an evaluation has no result: the stage that failed and its message
/// (LLVM's, or the verifier's). The stage says whose fault it is: the
/// pipeline's text (Pipeline), what the pipeline made of the module
/// (Verifier), or the backend and target (Codegen).
class EvaluationError : public llvm::ErrorInfo<EvaluationError> {
public:
  enum class Stage { Pipeline, Verifier, Codegen };
  static char ID;

  EvaluationError(Stage S, std::string Message)
      : S(S), Message(std::move(Message)) {}
  Stage stage() const { return S; }
  std::string message() const override { return Message; }
  void log(llvm::raw_ostream &OS) const override;
  std::error_code convertToErrorCode() const override;

private:
  Stage S;
  std::string Message;
};

/// What an evaluation measured.
struct Evaluation {
  uint64_t Instructions = 0;
  uint64_t ObjectSize = 0; ///< 0 unless EvaluateOptions::MeasureSize
};

struct EvaluateOptions {
  /// Compile to an object and measure it (the costly part); else count only.
  bool MeasureSize = true;
  /// Object sizes known by IR content: codegen is skipped for IR seen before.
  SizeMemo *Memo = nullptr;
};

/// The one evaluation of (module, pipeline), for the plugin's trials, the
/// _core extension and through it tuning, Ray and passlm eval: runs Pipeline
/// (opt -passes syntax; empty: none) on M in place, verifies the result,
/// counts its instructions and, when asked, measures its object size.
///
/// Invariants:
///  - Errors are values: an EvaluationError, never an exception. Stage
///    Pipeline: LLVM rejected the pipeline's text, and M is untouched.
///    Stage Verifier: the result fails the verifier (the verifier's message);
///    nothing is counted or measured of it. Stage Codegen: no target, or
///    the backend failed.
///  - A success is a verified module: both figures are of IR that verifies.
///  - M is consumed: left optimized, and rewritten by codegen when measured
///    (pass a copy you do not need; the bitcode overload makes one).
///  - The memo changes no figure: identical IR (bitcodeFingerprint) gives an
///    identical object, and only sizes of verified modules enter it.
///  - Caution: some pipelines parse and then abort the process at run time
///    (report_fatal_error); in-process callers cannot catch that, which is
///    why the plugin evaluates in a forked child and tuning in workers.
llvm::Expected<Evaluation> evaluate(llvm::Module &M, llvm::StringRef Pipeline,
                                    const EvaluateOptions &Options = {});

/// The same on the module in Bitcode (from writeBitcode), read into a fresh
/// context: exact (use-list order kept), the caller's module untouched, and
/// safe to run on many threads at once. The hot path of tuning.
llvm::Expected<Evaluation> evaluateBitcode(llvm::MemoryBufferRef Bitcode,
                                           llvm::StringRef Pipeline,
                                           const EvaluateOptions &Options = {});

/// One evaluation as the guard sees it: an object size, or why there is none.
struct Measured {
  bool Ok = false;
  uint64_t ObjectSize = 0; ///< when Ok
  std::string Error;       ///< why not, when !Ok
};

/// What the guard keeps for a module, and why.
struct GuardChoice {
  enum class Kind {
    Candidate,        ///< Candidates[Winner] is kept
    BaselineSmallest, ///< guard on: no ok candidate is strictly smaller
    NoCandidateOk,    ///< every candidate failed, or there was none: -Oz
    BaselineFailed,   ///< -Oz itself failed: -Oz kept, nothing compared
  };
  Kind Choice = Kind::NoCandidateOk;
  size_t Winner = 0;       ///< when Choice == Candidate
  uint64_t ObjectSize = 0; ///< of what is kept; 0 when that was not measured
  /// The failed candidates (index, why), in order: none of them can win.
  std::vector<std::pair<size_t, std::string>> Dropped;

  bool keepsCandidate() const { return Choice == Kind::Candidate; }
};

/// The guard's decision, one for the plugin (PassLM.cpp) and passlm eval
/// (through _core.choose_by_guard). Candidates are in the engine's order;
/// Baseline is -Oz's evaluation, std::nullopt when it was not measured.
///
/// Rules:
///  - -Oz measured and failed: -Oz is kept, unmeasured (BaselineFailed),
///    whatever the guard; candidates are not compared, since there is no
///    figure to guard with. With the guard on, an unmeasured -Oz counts as
///    failed.
///  - A failed candidate is dropped with its reason and never wins.
///  - Guard on: the ok candidate with the smallest object wins if it is
///    strictly smaller than -Oz's; among equal candidates the earlier one;
///    a tie with -Oz goes to -Oz (BaselineSmallest). No ok candidate:
///    NoCandidateOk.
///  - Guard off: the first ok candidate wins, whatever its size; none:
///    NoCandidateOk.
///
/// Pure: no LLVM, no clock and no budget, so figures computed with it do
/// not depend on machine load. A caller that stops measuring early (the
/// plugin's time budget) decides on what it measured; one that skips what
/// cannot change the answer (after a failed -Oz; with the guard off, after
/// the first ok candidate) gets the same answer as if it had measured all.
GuardChoice chooseByGuard(const std::optional<Measured> &Baseline,
                          llvm::ArrayRef<Measured> Candidates, bool Guard);

/// The pass names the linked LLVM knows, by level: "module", "cgscc",
/// "function", "loop" (from PassBuilder::printPassNames; passes with
/// parameters are listed by name only). Analyses are left out.
std::map<std::string, std::vector<std::string>> knownPassNames();

} // namespace passlm
