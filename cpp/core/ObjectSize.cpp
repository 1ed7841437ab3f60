//===- ObjectSize.cpp - object size by in-memory codegen, and evaluate ----===//
//
// Object size is Berkeley text + data (llvm-size -B; bss excluded) of the
// object that clang -Oz's backend makes of the module: codegen -O2, PIC.
// That equals `llc-19 -O2 -relocation-model=pic -filetype=obj`.
//
//===----------------------------------------------------------------------===//
#include "passlm/Core.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace passlm {

char EvaluationError::ID = 0;

void EvaluationError::log(raw_ostream &OS) const { OS << Message; }

std::error_code EvaluationError::convertToErrorCode() const {
  return inconvertibleErrorCode();
}

static Error failed(EvaluationError::Stage Stage, const Twine &Message) {
  return make_error<EvaluationError>(Stage, Message.str());
}

/// The object size of M, which must verify: codegen of a broken module hits
/// assertions or fatal errors. M is rewritten by codegen (CodeGenPrepare and
/// friends) and gets the target's triple and data layout when it had none.
static Expected<uint64_t> compileAndMeasure(Module &M, TargetMachine &TM) {
  if (M.getTargetTriple().empty())
    M.setTargetTriple(TM.getTargetTriple().str());
  if (M.getDataLayoutStr().empty())
    M.setDataLayout(TM.createDataLayout());

  SmallVector<char, 0> Object;
  raw_svector_ostream OS(Object);
  legacy::PassManager PM;
  TargetLibraryInfoImpl TLII(Triple(M.getTargetTriple()));
  PM.add(new TargetLibraryInfoWrapperPass(TLII));
  if (TM.addPassesToEmitFile(PM, OS, nullptr, CodeGenFileType::ObjectFile))
    return failed(EvaluationError::Stage::Codegen,
                  "the target cannot emit object files");
  PM.run(M);

  Expected<std::unique_ptr<object::ObjectFile>> Obj =
      object::ObjectFile::createObjectFile(
          MemoryBufferRef(StringRef(Object.data(), Object.size()), "object"));
  if (!Obj)
    return failed(EvaluationError::Stage::Codegen,
                  toString(Obj.takeError()));
  uint64_t Size = 0;
  for (const object::SectionRef &Section : (*Obj)->sections())
    if (Section.isBerkeleyText() || Section.isBerkeleyData())
      Size += Section.getSize(); // llvm-size -B: text + data, bss apart
  return Size;
}

std::optional<uint64_t> SizeMemo::find(const std::string &Key) {
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Sizes.find(Key);
  if (It == Sizes.end()) {
    ++Misses;
    return std::nullopt;
  }
  ++Hits;
  return It->second;
}

void SizeMemo::insert(const std::string &Key, uint64_t Size) {
  std::lock_guard<std::mutex> Lock(Mutex);
  if (!Sizes.emplace(Key, Size).second)
    return;
  Order.push_back(Key);
  if (Order.size() > Capacity) {
    Sizes.erase(Order.front());
    Order.pop_front();
  }
}

std::string bitcodeFingerprint(const Module &M) {
  std::string Bytes = writeBitcode(M);
  std::array<uint8_t, 32> Digest = SHA256::hash(ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
  return std::string(Digest.begin(), Digest.end());
}

Expected<Evaluation> evaluate(Module &M, StringRef Pipeline,
                              const EvaluateOptions &Options) {
  using Stage = EvaluationError::Stage;
  // The target machine first: once it exists (cached for this thread),
  // runPipeline can only fail on the pipeline's text.
  Expected<TargetMachine *> TM = targetMachineFor(M);
  if (!TM)
    return failed(Stage::Codegen, toString(TM.takeError()));
  if (!Pipeline.empty())
    if (Error E = runPipeline(M, Pipeline))
      return failed(Stage::Pipeline, toString(std::move(E)));
  // Every result is verified, measured or not: a pipeline that makes broken
  // IR is a wrong pipeline, whatever its figures would have been.
  if (std::string Broken = verifyModule(M); !Broken.empty())
    return failed(Stage::Verifier, Broken);

  Evaluation Result;
  Result.Instructions = countInstructions(M);
  if (!Options.MeasureSize)
    return Result;
  std::string Key;
  if (Options.Memo) {
    Key = bitcodeFingerprint(M);
    if (std::optional<uint64_t> Known = Options.Memo->find(Key)) {
      Result.ObjectSize = *Known;
      return Result;
    }
  }
  Expected<uint64_t> Size = compileAndMeasure(M, **TM);
  if (!Size)
    return Size.takeError();
  Result.ObjectSize = *Size;
  if (Options.Memo)
    Options.Memo->insert(Key, *Size);
  return Result;
}

Expected<Evaluation> evaluateBitcode(MemoryBufferRef Bitcode,
                                     StringRef Pipeline,
                                     const EvaluateOptions &Options) {
  LLVMContext Ctx;
  Expected<std::unique_ptr<Module>> M = parseBitcodeFile(Bitcode, Ctx);
  if (!M)
    return failed(EvaluationError::Stage::Codegen,
                  "could not read the module back: " +
                      toString(M.takeError()));
  return evaluate(**M, Pipeline, Options);
}

} // namespace passlm
