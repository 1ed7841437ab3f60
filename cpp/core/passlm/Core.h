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
/// Error with LLVM's message; M is untouched in that case.
/// Caution: some pipelines parse and then abort the process at run time
/// (report_fatal_error); nothing in-process can catch that.
llvm::Error runPipeline(llvm::Module &M, llvm::StringRef Pipeline);

/// Loads a pass plugin (PassPlugin::Load) into this process: every pipeline
/// run afterwards can name its passes.
llvm::Error loadPassPlugin(llvm::StringRef Path);

/// Only parses Pipeline; returns LLVM's message on failure.
llvm::Error checkPipeline(llvm::StringRef Pipeline);

/// Object size (Berkeley text + data, as llvm-size -B) of M compiled to an
/// in-memory object with clang -Oz's codegen settings. Codegen rewrites the
/// IR it compiles (CodeGenPrepare and friends), so M is left modified:
/// pass a copy you do not need.
llvm::Expected<uint64_t> objectSizeConsuming(llvm::Module &M);

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

/// Instruction count and object size after Pipeline (empty: none) of the
/// module in Bitcode (from writeBitcode), read into a fresh context: exact
/// (use-list order kept) and safe to run on many threads at once. The hot
/// path of tuning. With a Memo, codegen is skipped for IR seen before.
struct Evaluation {
  uint64_t Instructions = 0;
  uint64_t ObjectSize = 0;
};
llvm::Expected<Evaluation> evaluatePipeline(llvm::MemoryBufferRef Bitcode,
                                            llvm::StringRef Pipeline,
                                            SizeMemo *Memo = nullptr);

/// The same, on M itself: M is left optimized and then consumed by codegen.
llvm::Expected<Evaluation> evaluateConsuming(llvm::Module &M,
                                             llvm::StringRef Pipeline,
                                             SizeMemo *Memo = nullptr);

/// The pass names the linked LLVM knows, by level: "module", "cgscc",
/// "function", "loop" (from PassBuilder::printPassNames; passes with
/// parameters are listed by name only). Analyses are left out.
std::map<std::string, std::vector<std::string>> knownPassNames();

} // namespace passlm
