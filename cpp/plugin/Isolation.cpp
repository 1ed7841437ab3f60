//===- Isolation.cpp ------------------------------------------------------===//
#include "Isolation.h"

#include "ForkGate.h"
#include "passlm/Core.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Target/TargetMachine.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <poll.h>
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

[[noreturn]] void runChild(const Module &M, StringRef Pipeline,
                           bool MeasureSize, int Fd) {
  // The child must die quietly: default signal actions (no crash-recovery
  // longjmp back into the compiler's driver, no stack dumps), our own fatal
  // error handler, and everything it prints goes to the parent's pipe.
  for (int Signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP})
    std::signal(Signal, SIG_DFL);
  dup2(Fd, 2);
  remove_fatal_error_handler();
  install_fatal_error_handler(childFatalError, nullptr);
  remove_bad_alloc_error_handler();

  // fork gave the child its own copy of the parent's memory: work on M
  // itself (a CloneModule would lose use-list order and change results).
  EvaluateOptions Options;
  Options.MeasureSize = MeasureSize;
  Expected<Evaluation> Result =
      evaluate(const_cast<Module &>(M), Pipeline, Options);
  std::string Reply;
  if (!Result) {
    Reply = "ERR ";
    handleAllErrors(
        Result.takeError(),
        [&](const EvaluationError &E) {
          if (E.stage() == EvaluationError::Stage::Verifier)
            Reply += "the result fails the verifier: ";
          Reply += E.message();
        },
        [&](const ErrorInfoBase &E) { Reply += E.message(); });
  } else {
    Reply = "OK " + std::to_string(Result->Instructions) + " " +
            std::to_string(Result->ObjectSize);
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

} // namespace

Trial tryInChild(const Module &M, StringRef Pipeline, bool MeasureSize,
                 unsigned TimeoutMs) {
  Trial Result;
  int Fds[2];
  if (pipe(Fds) != 0) {
    Result.Error = std::string("pipe: ") + strerror(errno);
    return Result;
  }
  // Whatever the child needs that registers itself under process-wide locks
  // (the per-thread TargetMachine cache: a thread_local with a destructor)
  // is made here, in the parent, first.
  if (Expected<TargetMachine *> TM = targetMachineFor(M); !TM) {
    close(Fds[0]);
    close(Fds[1]);
    Result.Error = toString(TM.takeError());
    return Result;
  }
  if (!ForkGate::instance().beginFork(TimeoutMs)) {
    close(Fds[0]);
    close(Fds[1]);
    Result.Error = "Python stayed busy on another thread; not tried";
    return Result;
  }
  fflush(nullptr); // or buffered output would be written twice
  pid_t Pid = fork();
  if (Pid != 0) // the child must not touch the gate's mutex: it may be copied locked
    ForkGate::instance().endFork();
  if (Pid < 0) {
    close(Fds[0]);
    close(Fds[1]);
    Result.Error = std::string("fork: ") + strerror(errno);
    return Result;
  }
  if (Pid == 0) {
    close(Fds[0]);
    runChild(M, Pipeline, MeasureSize, Fds[1]);
  }
  close(Fds[1]);

  std::string Output;
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
    pollfd P{Fds[0], POLLIN, 0};
    int Ready = poll(&P, 1, int(Left));
    if (Ready < 0 && errno == EINTR)
      continue;
    if (Ready <= 0)
      continue; // re-check the deadline
    char Buffer[4096];
    ssize_t N = read(Fds[0], Buffer, sizeof Buffer);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break; // EOF: the child is gone or done
    Output.append(Buffer, size_t(N));
  }
  close(Fds[0]);
  if (TimedOut)
    kill(Pid, SIGKILL);
  int Status = 0;
  while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
  }

  // The reply is the last line; anything before it is what LLVM printed.
  StringRef Text(Output);
  Text = Text.rtrim();
  size_t LastBreak = Text.rfind('\n');
  StringRef Reply = LastBreak == StringRef::npos ? Text : Text.substr(LastBreak + 1);
  if (TimedOut) {
    Result.Error = "did not finish within " + std::to_string(TimeoutMs) + " ms";
  } else if (Reply.consume_front("OK ")) {
    auto [Count, Size] = Reply.split(' ');
    Result.Ok = !Count.getAsInteger(10, Result.Instructions) &&
                !Size.getAsInteger(10, Result.ObjectSize);
    if (!Result.Ok)
      Result.Error = "garbled reply from the trial process";
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
  return Result;
}

} // namespace passlm
