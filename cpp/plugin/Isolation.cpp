//===- Isolation.cpp ------------------------------------------------------===//
#include "Isolation.h"

#include "ForkGate.h"
#include "passlm/Core.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Attributes.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Metadata.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Target/TargetMachine.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace llvm;

namespace passlm {
namespace {

void writeAll(int Fd, const std::string &Text) {
  const char *Data = Text.data();
  size_t Left = Text.size();
  while (Left) {
    ssize_t N = write(Fd, Data, Left);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return;
    Data += N;
    Left -= size_t(N);
  }
}

void childFatalError(void *, const char *Reason, bool) {
  writeAll(2, std::string("LLVM ERROR: ") + Reason + "\n");
  _exit(70);
}

/// The line a measuring child writes before its codegen, then its
/// fingerprint (hex) and instruction count.
constexpr char FingerprintMark[] = "passlm-trial-fingerprint ";

std::string hex(StringRef Bytes) {
  static const char Digits[] = "0123456789abcdef";
  std::string Out;
  for (unsigned char C : Bytes) {
    Out += Digits[C >> 4];
    Out += Digits[C & 15];
  }
  return Out;
}

std::string sha256Hex(StringRef Bytes) {
  std::array<uint8_t, 32> Digest = SHA256::hash(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
  return hex(StringRef(reinterpret_cast<const char *>(Digest.data()), Digest.size()));
}

/// All of a memfd's bytes ("" on any error).
std::string readAll(int Fd) {
  struct stat Info;
  if (fstat(Fd, &Info) != 0 || Info.st_size <= 0)
    return "";
  std::string Bytes(size_t(Info.st_size), '\0');
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N = pread(Fd, Bytes.data() + Done, Bytes.size() - Done, off_t(Done));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return "";
    Done += size_t(N);
  }
  return Bytes;
}

void removeAddedFlag(Module &M);

/// Bitcode to be read back exactly: reading a module without a "Debug Info
/// Version" flag strips debug info (StripDebugInfo), which registers a
/// metadata kind in the context ("heapallocsite") that every later bitcode
/// of it then lists. With the flag, the reader verifies instead. So the
/// flag is added for the write, when absent, and removed after the read
/// (withoutAddedFlag); the leading byte says whether it was added.
std::string bitcodeToReadBack(Module &M) {
  if (M.getModuleFlag("Debug Info Version"))
    return "0" + writeBitcode(M);
  M.addModuleFlag(Module::Warning, "Debug Info Version",
                  uint32_t(DEBUG_METADATA_VERSION));
  std::string Bitcode = "1" + writeBitcode(M);
  removeAddedFlag(M);
  return Bitcode;
}

/// Removes the flag bitcodeToReadBack added (the last module flag), and the
/// flags' named metadata when it held only that one.
void removeAddedFlag(Module &M) {
  NamedMDNode *Flags = M.getModuleFlagsMetadata();
  if (!Flags || Flags->getNumOperands() == 0)
    return;
  SmallVector<MDNode *, 8> Kept;
  for (unsigned I = 0; I + 1 < Flags->getNumOperands(); ++I)
    Kept.push_back(Flags->getOperand(I));
  if (Kept.empty()) {
    M.eraseNamedMetadata(Flags);
    return;
  }
  Flags->clearOperands();
  for (MDNode *Node : Kept)
    Flags->addOperand(Node);
}

/// The attributes of M's intrinsic declarations, one line each: its name,
/// then "INDEX:e:KIND", "INDEX:i:KIND:VALUE" or "INDEX:s:HEXKIND:HEXVALUE"
/// items. Reading bitcode resets an intrinsic's attributes to the
/// intrinsic's defaults (UpgradeIntrinsicFunction), losing what passes
/// inferred (mustprogress...); these lines put them back. std::nullopt when
/// an attribute is of a kind not kept here (a type, a range): no adoption.
std::optional<std::string> saveIntrinsicAttributes(const Module &M) {
  std::string Text;
  for (const Function &F : M) {
    if (!F.isIntrinsic())
      continue;
    Text += F.getName().str();
    AttributeList List = F.getAttributes();
    for (unsigned Index : List.indexes())
      for (const Attribute &A : List.getAttributes(Index)) {
        std::string Item = " " + std::to_string(Index) + ":";
        if (A.isEnumAttribute())
          Item += "e:" + std::to_string(unsigned(A.getKindAsEnum()));
        else if (A.isIntAttribute())
          Item += "i:" + std::to_string(unsigned(A.getKindAsEnum())) + ":" +
                  std::to_string(A.getValueAsInt());
        else if (A.isStringAttribute())
          Item += "s:" + hex(A.getKindAsString()) + ":" + hex(A.getValueAsString());
        else
          return std::nullopt;
        Text += Item;
      }
    Text += "\n";
  }
  return Text;
}

std::string unhex(StringRef Hex) {
  std::string Out;
  for (size_t I = 0; I + 1 < Hex.size(); I += 2)
    Out += char(std::stoi(Hex.substr(I, 2).str(), nullptr, 16));
  return Out;
}

/// Puts back what saveIntrinsicAttributes saved of M's intrinsics.
Error restoreIntrinsicAttributes(Module &M, StringRef Text) {
  auto Bad = [](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(), Why);
  };
  LLVMContext &Ctx = M.getContext();
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef Line : Lines) {
    SmallVector<StringRef, 16> Items;
    Line.split(Items, ' ', -1, false);
    Function *F = M.getFunction(Items[0]);
    if (!F || !F->isIntrinsic())
      return Bad("no intrinsic " + Items[0] + " in the module read back");
    std::map<unsigned, AttrBuilder> ByIndex;
    for (StringRef Item : ArrayRef<StringRef>(Items).drop_front()) {
      SmallVector<StringRef, 4> Parts;
      Item.split(Parts, ':');
      unsigned Index, Kind;
      uint64_t Value;
      if (Parts.size() < 3 || Parts[0].getAsInteger(10, Index))
        return Bad("garbled attribute '" + Item + "'");
      AttrBuilder &B = ByIndex.try_emplace(Index, Ctx).first->second;
      if (Parts[1] == "e" && !Parts[2].getAsInteger(10, Kind))
        B.addAttribute(Attribute::AttrKind(Kind));
      else if (Parts[1] == "i" && Parts.size() == 4 &&
               !Parts[2].getAsInteger(10, Kind) && !Parts[3].getAsInteger(10, Value))
        B.addRawIntAttr(Attribute::AttrKind(Kind), Value);
      else if (Parts[1] == "s" && Parts.size() == 4)
        B.addAttribute(unhex(Parts[2]), unhex(Parts[3]));
      else
        return Bad("garbled attribute '" + Item + "'");
    }
    AttributeList List;
    for (auto &[Index, B] : ByIndex)
      List = List.addAttributesAtIndex(Ctx, Index, B);
    F->setAttributes(List);
  }
  return Error::success();
}

std::string describe(Error E) {
  std::string Text;
  handleAllErrors(
      std::move(E),
      [&](const EvaluationError &EE) {
        if (EE.stage() == EvaluationError::Stage::Verifier)
          Text += "the result fails the verifier: ";
        Text += EE.message();
      },
      [&](const ErrorInfoBase &EI) { Text += EI.message(); });
  return Text;
}

[[noreturn]] void runChild(const Module &M, StringRef Pipeline,
                           bool MeasureSize, int Fd, int Control,
                           int ModuleFd) {
  // The child must die quietly: default signal actions (no crash-recovery
  // longjmp back into the compiler's driver, no stack dumps), our own fatal
  // error handler, and everything it prints goes to the parent's pipe.
  for (int Signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP})
    std::signal(Signal, SIG_DFL);
  std::signal(SIGPIPE, SIG_DFL); // a parent gone: die, do not spin
  dup2(Fd, 2);
  remove_fatal_error_handler();
  install_fatal_error_handler(childFatalError, nullptr);
  remove_bad_alloc_error_handler();

  // fork gave the child its own copy of the parent's memory: work on M
  // itself (a CloneModule would lose use-list order and change results).
  // The pipeline first, measured apart: evaluate(M, P, size) is exactly
  // evaluate(M, P, no size) then evaluate(M, "", size), since the second
  // runs no pass and the verifier changes nothing.
  Module &Mine = const_cast<Module &>(M);
  EvaluateOptions CountOnly;
  CountOnly.MeasureSize = false;
  Expected<Evaluation> Result = evaluate(Mine, Pipeline, CountOnly);
  std::string Reply;
  if (!Result) {
    Reply = "ERR " + describe(Result.takeError());
  } else if (!MeasureSize) {
    Reply = "OK " + std::to_string(Result->Instructions) + " 0";
  } else {
    // The optimized module, for the parent to adopt if it wins; its hash is
    // the fingerprint (bitcodeFingerprint's, from the same bytes).
    // In the memfd: the intrinsics' attributes (reading bitcode resets
    // them), their length first; nothing when they cannot be kept.
    std::string Bitcode = writeBitcode(Mine);
    if (ModuleFd >= 0)
      if (std::optional<std::string> Intrinsics = saveIntrinsicAttributes(Mine))
        writeAll(ModuleFd, std::to_string(Intrinsics->size()) + "\n" +
                               *Intrinsics + bitcodeToReadBack(Mine));
    writeAll(Fd, "\n" + std::string(FingerprintMark) + sha256Hex(Bitcode) +
                     " " + std::to_string(Result->Instructions) + "\n");
    char Word = 'm';
    if (Control >= 0) {
      ssize_t N;
      while ((N = read(Control, &Word, 1)) < 0 && errno == EINTR) {
      }
      if (N != 1)
        _exit(0); // the parent no longer wants the result
    }
    if (Word == 's') {
      Reply = "OK " + std::to_string(Result->Instructions) + " reused";
    } else {
      EvaluateOptions Measure; // no pipeline: verify again, then codegen
      Expected<Evaluation> Sized = evaluate(Mine, "", Measure);
      Reply = Sized ? "OK " + std::to_string(Sized->Instructions) + " " +
                          std::to_string(Sized->ObjectSize)
                    : "ERR " + describe(Sized.takeError());
    }
  }
  for (char &C : Reply)
    if (C == '\n')
      C = ' ';
  writeAll(Fd, "\n" + Reply + "\n");
  _exit(0);
}

std::string firstLine(StringRef Text) {
  StringRef Line = Text.trim().split('\n').first.trim();
  Line.consume_front("LLVM ERROR: ");
  return Line.str();
}

void closeFd(int &Fd) {
  if (Fd >= 0)
    close(Fd);
  Fd = -1;
}

/// The fingerprint line of a child's output, once complete: (hex, rest).
std::optional<StringRef> fingerprintLine(StringRef Output) {
  size_t At = Output.find(std::string("\n") + FingerprintMark);
  if (At == StringRef::npos)
    return std::nullopt;
  StringRef Rest = Output.substr(At + 1 + strlen(FingerprintMark));
  size_t End = Rest.find('\n');
  if (End == StringRef::npos)
    return std::nullopt;
  return Rest.take_front(End).split(' ').first;
}

} // namespace

ChildTrial &ChildTrial::operator=(ChildTrial &&Other) noexcept {
  if (this != &Other) {
    abandon();
    Pid = Other.Pid;
    FromChild = Other.FromChild;
    ToChild = Other.ToChild;
    ModuleFd = Other.ModuleFd;
    StartError = std::move(Other.StartError);
    Other.Pid = -1;
    Other.FromChild = Other.ToChild = Other.ModuleFd = -1;
  }
  return *this;
}

ChildTrial ChildTrial::start(const Module &M, StringRef Pipeline,
                             bool MeasureSize, bool AskBeforeCodegen,
                             unsigned GateMs, bool KeepModule) {
  ChildTrial T;
  int Out[2], Ctl[2] = {-1, -1};
  if (pipe(Out) != 0) {
    T.StartError = std::string("pipe: ") + strerror(errno);
    return T;
  }
  bool Asks = MeasureSize && AskBeforeCodegen;
  // The parent's word goes through a socket pair, not a pipe: a send to a
  // child that died must not raise SIGPIPE in the compiler (MSG_NOSIGNAL).
  if (Asks && socketpair(AF_UNIX, SOCK_STREAM, 0, Ctl) != 0) {
    T.StartError = std::string("pipe: ") + strerror(errno);
    close(Out[0]);
    close(Out[1]);
    return T;
  }
  // Where a measuring child leaves its optimized module (no file on disk;
  // without one, nothing can be adopted, and the trial is as good).
  int ModuleFd =
      MeasureSize && KeepModule ? memfd_create("passlm-trial", MFD_CLOEXEC) : -1;
  auto CloseAll = [&] {
    for (int Fd : {Out[0], Out[1], Ctl[0], Ctl[1], ModuleFd})
      if (Fd >= 0)
        close(Fd);
  };
  // Whatever the child needs that registers itself under process-wide locks
  // (the per-thread TargetMachine cache: a thread_local with a destructor)
  // is made here, in the parent, first.
  if (Expected<TargetMachine *> TM = targetMachineFor(M); !TM) {
    CloseAll();
    T.StartError = toString(TM.takeError());
    return T;
  }
  if (!ForkGate::instance().beginFork(GateMs)) {
    CloseAll();
    T.StartError = "Python stayed busy on another thread; not tried";
    return T;
  }
  fflush(nullptr); // or buffered output would be written twice
  pid_t Pid = fork();
  if (Pid != 0) // the child must not touch the gate's mutex: it may be copied locked
    ForkGate::instance().endFork();
  if (Pid < 0) {
    CloseAll();
    T.StartError = std::string("fork: ") + strerror(errno);
    return T;
  }
  if (Pid == 0) {
    close(Out[0]);
    if (Ctl[1] >= 0)
      close(Ctl[1]);
    runChild(M, Pipeline, MeasureSize, Out[1], Ctl[0], ModuleFd);
  }
  close(Out[1]);
  if (Ctl[0] >= 0)
    close(Ctl[0]);
  T.Pid = Pid;
  T.FromChild = Out[0];
  T.ToChild = Ctl[1];
  T.ModuleFd = ModuleFd;
  return T;
}

void ChildTrial::abandon() {
  closeFd(FromChild);
  closeFd(ToChild);
  closeFd(ModuleFd);
  if (Pid > 0) {
    kill(Pid, SIGKILL);
    int Status;
    while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
    }
  }
  Pid = -1;
}

Trial ChildTrial::finish(unsigned TimeoutMs, MeasuredModules *Known) {
  Trial Result;
  if (Pid <= 0) {
    Result.Error = StartError.empty() ? "not started" : StartError;
    return Result;
  }
  std::string Output, Fingerprint;
  bool Answered = ToChild < 0, Skipped = false;
  auto Deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(TimeoutMs);
  bool TimedOut = false;
  for (;;) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    Deadline - std::chrono::steady_clock::now())
                    .count();
    if (Left <= 0) {
      TimedOut = true;
      break;
    }
    pollfd P{FromChild, POLLIN, 0};
    int Ready = poll(&P, 1, int(Left));
    if (Ready < 0 && errno == EINTR)
      continue;
    if (Ready <= 0)
      continue; // re-check the deadline
    char Buffer[4096];
    ssize_t N = read(FromChild, Buffer, sizeof Buffer);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break; // EOF: the child is gone or done
    Output.append(Buffer, size_t(N));
    if (Fingerprint.empty())
      if (std::optional<StringRef> Line = fingerprintLine(Output))
        Fingerprint = Line->str();
    if (!Answered && !Fingerprint.empty()) {
      Skipped = Known && Known->SizeOf.count(Fingerprint);
      char Word = Skipped ? 's' : 'm';
      (void)!send(ToChild, &Word, 1, MSG_NOSIGNAL); // a dead child shows as EOF above
      Answered = true;
    }
  }
  closeFd(FromChild);
  closeFd(ToChild);
  if (TimedOut)
    kill(Pid, SIGKILL);
  int Status = 0;
  while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
  }
  Pid = -1;

  // The reply is the last line; anything before it is what LLVM printed.
  StringRef Text(Output);
  Text = Text.rtrim();
  size_t LastBreak = Text.rfind('\n');
  StringRef Reply = LastBreak == StringRef::npos ? Text : Text.substr(LastBreak + 1);
  if (TimedOut) {
    Result.Error = "did not finish within " + std::to_string(TimeoutMs) + " ms";
  } else if (Reply.consume_front("OK ")) {
    auto [Count, Size] = Reply.split(' ');
    Result.Ok = !Count.getAsInteger(10, Result.Instructions);
    if (Size == "reused" && Skipped) {
      Result.ObjectSize = Known->SizeOf[Fingerprint];
      Result.Reused = true;
    } else {
      Result.Ok = Result.Ok && !Size.getAsInteger(10, Result.ObjectSize);
    }
    if (!Result.Ok)
      Result.Error = "garbled reply from the trial process";
    if (Result.Ok && ModuleFd >= 0 && !Fingerprint.empty()) {
      std::string Saved = readAll(ModuleFd);
      auto [Length, Rest] = StringRef(Saved).split('\n');
      size_t IntrinsicsSize;
      if (!Length.getAsInteger(10, IntrinsicsSize) && IntrinsicsSize < Rest.size())
        Result.Module = OptimizedModule{Rest.drop_front(IntrinsicsSize).str(),
                                        Rest.take_front(IntrinsicsSize).str(),
                                        Fingerprint};
    }
    if (Result.Ok && Known && !Fingerprint.empty()) {
      if (Result.Reused) {
        ++Known->Reused;
      } else {
        ++Known->Codegens;
        Known->SizeOf.emplace(Fingerprint, Result.ObjectSize);
      }
    }
  } else if (Reply.consume_front("ERR ")) {
    Result.Error = Reply.str();
  } else if (WIFSIGNALED(Status)) {
    std::string Said = firstLine(Text);
    Result.Error = std::string("crashed LLVM (") + strsignal(WTERMSIG(Status)) +
                   ")" + (Said.empty() ? "" : ": " + Said);
  } else {
    std::string Said = firstLine(Text);
    Result.Error = "LLVM aborted" + (Said.empty() ? "" : ": " + Said);
  }
  closeFd(ModuleFd);
  return Result;
}

Error adoptOptimizedModule(Module &M, const OptimizedModule &Optimized) {
  auto Bad = [](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(), Why);
  };
  if (Optimized.Bitcode.empty())
    return Bad("no optimized module to adopt");
  // M as it is, to put back if the optimized module cannot be adopted
  // exactly.
  std::optional<std::string> OriginalIntrinsics = saveIntrinsicAttributes(M);
  if (!OriginalIntrinsics)
    return Bad("an intrinsic carries an attribute that cannot be kept");
  std::string OriginalHash = sha256Hex(writeBitcode(M));
  std::string Original = bitcodeToReadBack(M);
  LLVMContext &Ctx = M.getContext();

  auto Clear = [](Module &Target) {
    // Named struct types belong to the context and outlive the contents:
    // the module read back would get "struct.S.1" where the trial had
    // "struct.S". The old ones, dead now, give their names up.
    std::vector<StructType *> Named = Target.getIdentifiedStructTypes();
    // As ~Module does, with the constants that only the old contents used
    // destroyed first, so that no use of them is left behind.
    Target.dropAllReferences();
    for (GlobalValue &GV : Target.global_values())
      GV.removeDeadConstantUsers();
    while (!Target.empty())
      Target.begin()->eraseFromParent();
    while (!Target.global_empty())
      Target.global_begin()->eraseFromParent();
    while (!Target.alias_empty())
      Target.alias_begin()->eraseFromParent();
    while (!Target.ifunc_empty())
      Target.ifunc_begin()->eraseFromParent();
    while (!Target.named_metadata_empty())
      Target.eraseNamedMetadata(&*Target.named_metadata_begin());
    Target.getComdatSymbolTable().clear();
    for (StructType *T : Named)
      if (T->hasName())
        T->setName("");
  };
  auto Move = [](Module &From, Module &To) {
    From.setIsNewDbgInfoFormat(To.IsNewDbgInfoFormat);
    To.setDataLayout(From.getDataLayout());
    To.setTargetTriple(From.getTargetTriple());
    To.setModuleInlineAsm(From.getModuleInlineAsm());
    To.setSourceFileName(From.getSourceFileName());
    while (!From.global_empty()) {
      GlobalVariable *GV = &*From.global_begin();
      From.removeGlobalVariable(GV);
      To.insertGlobalVariable(GV);
    }
    To.getFunctionList().splice(To.end(), From.getFunctionList());
    while (!From.alias_empty()) {
      GlobalAlias *A = &*From.alias_begin();
      From.removeAlias(A);
      To.insertAlias(A);
    }
    while (!From.ifunc_empty()) {
      GlobalIFunc *I = &*From.ifunc_begin();
      From.removeIFunc(I);
      To.insertIFunc(I);
    }
    // Comdats belong to their module's table: the same ones, in To's.
    for (GlobalObject &GO : To.global_objects())
      if (const Comdat *C = GO.getComdat()) {
        Comdat *Mine = To.getOrInsertComdat(C->getName());
        Mine->setSelectionKind(C->getSelectionKind());
        GO.setComdat(Mine);
      }
    for (NamedMDNode &Node : From.named_metadata()) {
      NamedMDNode *Mine = To.getOrInsertNamedMetadata(Node.getName());
      for (MDNode *Operand : Node.operands())
        Mine->addOperand(Operand);
    }
  };
  // Reads Saved (bitcodeToReadBack's) into the cleared M; the result must
  // write the very bytes the trial measured (hash Hash): then it is that
  // module.
  auto Load = [&](StringRef Saved, StringRef Intrinsics,
                  const std::string &Hash) -> Error {
    if (Saved.size() < 2 || (Saved[0] != '0' && Saved[0] != '1'))
      return Bad("garbled module");
    Expected<std::unique_ptr<Module>> Read = parseBitcodeFile(
        MemoryBufferRef(Saved.drop_front(), M.getModuleIdentifier()), Ctx);
    if (!Read)
      return Read.takeError();
    Move(**Read, M);
    if (Saved[0] == '1')
      removeAddedFlag(M);
    if (Error E = restoreIntrinsicAttributes(M, Intrinsics))
      return E;
    if (sha256Hex(writeBitcode(M)) != Hash)
      return Bad("the module read back differs from the trial's");
    return Error::success();
  };

  Clear(M);
  Error Adopted = Load(Optimized.Bitcode, Optimized.Intrinsics, Optimized.Fingerprint);
  if (!Adopted)
    return Error::success();
  std::string Why = toString(std::move(Adopted));
  Clear(M);
  if (Error Back = Load(Original, *OriginalIntrinsics, OriginalHash))
    // Not expected (M's own bytes); the pipeline then runs on what was read.
    return Bad(Why + "; M read back differs too: " + toString(std::move(Back)));
  return Bad(Why);
}

Trial tryInChild(const Module &M, StringRef Pipeline, bool MeasureSize,
                 unsigned TimeoutMs, MeasuredModules *Known, bool KeepModule) {
  return ChildTrial::start(M, Pipeline, MeasureSize, Known != nullptr,
                           TimeoutMs, KeepModule)
      .finish(TimeoutMs, Known);
}

} // namespace passlm
