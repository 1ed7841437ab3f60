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

Expected<Evaluation> evaluateConsuming(Module &M, StringRef Pipeline) {
  if (!Pipeline.empty())
    if (Error E = runPipeline(M, Pipeline))
      return std::move(E);
  Evaluation Result;
  Result.Instructions = countInstructions(M);
  Expected<uint64_t> Size = objectSizeConsuming(M);
  if (!Size)
    return Size.takeError();
  Result.ObjectSize = *Size;
  return Result;
}

Expected<Evaluation> evaluatePipeline(MemoryBufferRef Bitcode,
                                      StringRef Pipeline) {
  LLVMContext Ctx;
  Expected<std::unique_ptr<Module>> M = parseBitcodeFile(Bitcode, Ctx);
  if (!M)
    return M.takeError();
  return evaluateConsuming(**M, Pipeline);
}

} // namespace passlm
