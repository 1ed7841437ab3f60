//===- Isolation.h - trying a pipeline in a forked child ------------------===//
//
// Some pipelines parse and then abort the whole process at run time
// (report_fatal_error, assertions, crashes); nothing in-process can catch
// that, and a compiler must not die for a bad guess. So each candidate is
// first run in a fork()ed copy of the compiler: the child runs it on its own
// copy of the module, verifies, measures, reports through a pipe and exits.
// The parent kills a child that overruns its time.
//
// Codegen is most of a trial's cost, and different pipelines often make the
// same module (a candidate that is -Oz in all but name, two candidates that
// differ only in passes that change nothing here). So a measuring child
// tells the parent the fingerprint of what it made (bitcodeFingerprint)
// before its codegen, and the parent, which remembers the sizes measured for
// this module (MeasuredModules), answers "measure" or "skip: known".
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"

#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>

namespace passlm {

/// A trial's optimized module, as the compiler can adopt it.
struct OptimizedModule {
  std::string Bitcode;     // writeBitcode of it, to read back exactly
                           // (Isolation.cpp, bitcodeToReadBack)
  std::string Intrinsics;  // its intrinsics' attributes, which reading
                           // bitcode resets to their defaults
  std::string Fingerprint; // hex SHA-256 of writeBitcode of it: what the
                           // adopted module must write again
};

struct Trial {
  bool Ok = false;
  uint64_t Instructions = 0;
  uint64_t ObjectSize = 0; // 0 unless measured
  bool Reused = false;     // the size is an earlier trial's: same optimized module
  std::string Error;       // one line, when !Ok
  /// When measured and Ok: the optimized module (Bitcode checked against
  /// the fingerprint; empty when it could not be kept or read back).
  /// adoptOptimizedModule makes it the compiler's.
  OptimizedModule Module;
};

/// The object sizes measured for one module's trials, by fingerprint of the
/// optimized module (hex of bitcodeFingerprint): identical IR, identical
/// object, so each distinct optimized module is compiled once.
struct MeasuredModules {
  std::map<std::string, uint64_t> SizeOf;
  unsigned Codegens = 0; // trials that ran codegen
  unsigned Reused = 0;   // trials that skipped it: their module was known
};

/// One trial, started in a child and collected later, so the parent can do
/// other work meanwhile (wait for the engine). Invariants: at most one child
/// per object; a child is always reaped (finish, abandon or the destructor);
/// the module given to start is not modified and may change after start
/// (the child has its own copy).
class ChildTrial {
public:
  /// Forks a child that evaluates Pipeline on its copy of M (passlm::
  /// evaluate: runs, verifies and, when MeasureSize, measures the object).
  /// With AskBeforeCodegen the child waits, before its codegen, for the
  /// parent's word (given in finish); without, it measures at once (the
  /// parent may be busy elsewhere). GateMs bounds the wait for the fork
  /// gate (ForkGate.h). With KeepModule a measuring child also leaves its
  /// optimized module for the parent (Trial::Module). A failure to start is
  /// kept and returned by finish.
  static ChildTrial start(const llvm::Module &M, llvm::StringRef Pipeline,
                          bool MeasureSize, bool AskBeforeCodegen,
                          unsigned GateMs, bool KeepModule = false);

  /// Waits at most TimeoutMs (from now) for the child's result; a child
  /// still running then is killed. Known, when given, answers the child's
  /// question and learns the size it measured.
  Trial finish(unsigned TimeoutMs, MeasuredModules *Known);

  /// Kills and reaps the child, if any: its result is not wanted.
  void abandon();

  bool running() const { return Pid > 0; }

  ChildTrial(ChildTrial &&Other) noexcept { *this = std::move(Other); }
  ChildTrial &operator=(ChildTrial &&Other) noexcept;
  ChildTrial() = default;
  ~ChildTrial() { abandon(); }

private:
  pid_t Pid = -1;
  int FromChild = -1, ToChild = -1;
  int ModuleFd = -1; // a memfd the child writes its optimized bitcode to
  std::string StartError; // why no child runs, when Pid <= 0
};

/// Makes M the module a trial made of it (Optimized), in place: what
/// runPipeline(M, the trial's pipeline) would have made, since the trial ran
/// that pipeline on an exact copy of M; the compiler then need not run the
/// pipeline again. M's contents are dropped first, so that the module read
/// back meets no uses left by the old one (use-list orders are restored only
/// then), the named struct types it used give their names to the new ones,
/// and the intrinsics get their attributes back.
/// Invariant: on success M writes exactly the trial's bitcode (checked:
/// same SHA-256), so nothing bitcode records differs. On failure M is put
/// back as it was (checked the same way) and the Error says why; M keeps its
/// identifier either way.
llvm::Error adoptOptimizedModule(llvm::Module &M, const OptimizedModule &Optimized);

/// Starts and finishes one trial (a candidate's, asking Known if given).
Trial tryInChild(const llvm::Module &M, llvm::StringRef Pipeline,
                 bool MeasureSize, unsigned TimeoutMs,
                 MeasuredModules *Known = nullptr, bool KeepModule = false);

} // namespace passlm
