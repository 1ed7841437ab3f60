//===- ModuleIO.cpp - parse, print, write, clone and verify modules -------===//
#include "passlm/Core.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Verifier.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace passlm {

std::unique_ptr<Module> parseModule(MemoryBufferRef Buffer, LLVMContext &Ctx,
                                    ParseDiagnostic &Diag) {
  SMDiagnostic Err;
  std::unique_ptr<Module> M = parseIR(Buffer, Err, Ctx);
  if (M)
    return M;
  Diag.File = Err.getFilename().str();
  if (Diag.File.empty())
    Diag.File = Buffer.getBufferIdentifier().str();
  // SMDiagnostic lines are 1-based, columns 0-based; -1 means "none".
  Diag.Line = Err.getLineNo() > 0 ? Err.getLineNo() : 0;
  Diag.Column = Err.getLineNo() > 0 && Err.getColumnNo() >= 0
                    ? Err.getColumnNo() + 1
                    : 0;
  Diag.Message = Err.getMessage().str();
  return nullptr;
}

std::string printModule(const Module &M) {
  std::string Text;
  raw_string_ostream OS(Text);
  M.print(OS, nullptr);
  OS.flush();
  return Text;
}

std::string writeBitcode(const Module &M) {
  std::string Bytes;
  raw_string_ostream OS(Bytes);
  WriteBitcodeToFile(M, OS, /*ShouldPreserveUseListOrder=*/true);
  OS.flush();
  return Bytes;
}

std::unique_ptr<Module> cloneIntoContext(const Module &M, LLVMContext &Ctx) {
  std::string Bytes = writeBitcode(M);
  Expected<std::unique_ptr<Module>> Clone = parseBitcodeFile(
      MemoryBufferRef(Bytes, M.getModuleIdentifier()), Ctx);
  if (!Clone) {
    // Our own writer's output always reads back; treat failure as a bug.
    consumeError(Clone.takeError());
    return nullptr;
  }
  (*Clone)->setModuleIdentifier(M.getModuleIdentifier());
  return std::move(*Clone);
}

std::string verifyModule(const Module &M) {
  std::string Message;
  raw_string_ostream OS(Message);
  if (!llvm::verifyModule(M, &OS))
    return "";
  OS.flush();
  while (!Message.empty() && Message.back() == '\n')
    Message.pop_back();
  return Message.empty() ? "module is broken" : Message;
}

} // namespace passlm
