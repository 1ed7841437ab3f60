//===- ModuleIO.cpp - parse, print, write, clone and verify modules -------===//
#include "passlm/Core.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/Verifier.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace passlm {

namespace {

Error fileError(StringRef Path, std::error_code Code, const Twine &Why) {
  return createStringError(Code, Path + ": " + Why);
}

StringRef kindName(sys::fs::file_type Type) {
  switch (Type) {
  case sys::fs::file_type::directory_file:
    return "a directory";
  case sys::fs::file_type::character_file:
    return "a character device";
  case sys::fs::file_type::block_file:
    return "a block device";
  case sys::fs::file_type::fifo_file:
    return "a FIFO";
  case sys::fs::file_type::socket_file:
    return "a socket";
  default:
    return "a special file";
  }
}

/// Why Status is not that of a module file we may read, or success.
Error checkModuleFile(StringRef Path, const sys::fs::file_status &Status) {
  if (Status.type() != sys::fs::file_type::regular_file) {
    bool Directory = Status.type() == sys::fs::file_type::directory_file;
    return fileError(Path,
                     std::make_error_code(Directory
                                              ? std::errc::is_a_directory
                                              : std::errc::invalid_argument),
                     "is " + kindName(Status.type()) +
                         ", not a module file");
  }
  if (Status.getSize() > MaxModuleFileBytes)
    return fileError(Path, std::make_error_code(std::errc::file_too_large),
                     "is " + Twine(Status.getSize() >> 20) +
                         " MiB, over the limit of " +
                         Twine(MaxModuleFileBytes >> 20) +
                         " MiB for a module file");
  return Error::success();
}

/// readModuleFile's checks and read, on the open File.
Expected<std::unique_ptr<MemoryBuffer>> readOpenModuleFile(sys::fs::file_t File,
                                                           StringRef Path) {
  sys::fs::file_status Status;
  if (std::error_code Code = sys::fs::status(File, Status))
    return fileError(Path, Code, Code.message());
  if (Error Refused = checkModuleFile(Path, Status))
    return std::move(Refused);
  // Null-terminated: the IR lexer stops at the NUL after the text (it reads
  // one byte past the end otherwise, out of the mapping when the file's size
  // is a multiple of the page size).
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = MemoryBuffer::getOpenFile(
      File, Path, Status.getSize(), /*RequiresNullTerminator=*/true);
  if (!Buffer)
    return fileError(Path, Buffer.getError(), Buffer.getError().message());
  return std::move(*Buffer);
}

} // namespace

Expected<std::unique_ptr<MemoryBuffer>> readModuleFile(StringRef Path) {
  // Checked by name first (opening a FIFO would block until a writer
  // comes), then again on what was opened: the name could be answered by
  // one file and the open done on another.
  sys::fs::file_status Named;
  if (std::error_code Code = sys::fs::status(Path, Named))
    return fileError(Path, Code, Code.message());
  if (Error Refused = checkModuleFile(Path, Named))
    return std::move(Refused);
  Expected<sys::fs::file_t> File = sys::fs::openNativeFileForRead(Path);
  if (!File) {
    std::error_code Code = errorToErrorCode(File.takeError());
    return fileError(Path, Code, Code.message());
  }
  Expected<std::unique_ptr<MemoryBuffer>> Buffer =
      readOpenModuleFile(*File, Path);
  sys::fs::closeFile(*File);
  return Buffer;
}

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
