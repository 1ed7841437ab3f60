//===- ObjectSize.cpp - object size by in-memory codegen, and evaluations --===//
//
// Object size is Berkeley text + data (llvm-size -B; bss excluded) of the
// object that clang -Oz's backend makes of the module: codegen -O2, PIC.
// That equals `llc-19 -O2 -relocation-model=pic -filetype=obj` (DESIGN.md).
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

static Error errorf(const Twine &Message) {
  return createStringError(inconvertibleErrorCode(), Message);
}

Expected<uint64_t> objectSizeConsuming(Module &M) {
  // Codegen of a broken module hits assertions or fatal errors; refuse first.
  std::string Broken = verifyModule(M);
  if (!Broken.empty())
    return errorf("module fails the verifier: " + Broken);
  Expected<TargetMachine *> TMOrErr = targetMachineFor(M);
  if (!TMOrErr)
    return TMOrErr.takeError();
  TargetMachine &TM = **TMOrErr;
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
    return errorf("the target cannot emit object files");
  PM.run(M);

  Expected<std::unique_ptr<object::ObjectFile>> Obj =
      object::ObjectFile::createObjectFile(
          MemoryBufferRef(StringRef(Object.data(), Object.size()), "object"));
  if (!Obj)
    return Obj.takeError();
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

Expected<Evaluation> evaluateConsuming(Module &M, StringRef Pipeline,
                                       SizeMemo *Memo) {
  if (!Pipeline.empty())
    if (Error E = runPipeline(M, Pipeline))
      return std::move(E);
  Evaluation Result;
  Result.Instructions = countInstructions(M);
  std::string Key;
  if (Memo) {
    Key = bitcodeFingerprint(M);
    if (std::optional<uint64_t> Known = Memo->find(Key)) {
      Result.ObjectSize = *Known;
      return Result;
    }
  }
  Expected<uint64_t> Size = objectSizeConsuming(M);
  if (!Size)
    return Size.takeError();
  Result.ObjectSize = *Size;
  if (Memo)
    Memo->insert(Key, *Size);
  return Result;
}

Expected<Evaluation> evaluatePipeline(MemoryBufferRef Bitcode,
                                      StringRef Pipeline, SizeMemo *Memo) {
  LLVMContext Ctx;
  Expected<std::unique_ptr<Module>> M = parseBitcodeFile(Bitcode, Ctx);
  if (!M)
    return M.takeError();
  return evaluateConsuming(**M, Pipeline, Memo);
}

} // namespace passlm
