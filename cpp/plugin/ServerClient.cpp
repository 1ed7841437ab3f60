//===- ServerClient.cpp - the server's client in C++ ------------------------===//
//
// Mirrors python/passlm/server/client.py (route, resolve_spec, call, ask's
// error texts) and protocol.py (runtime_dir, default_socket, check_private):
// change them together. Nothing here throws, takes a lock or touches Python;
// a socket is opened, used and closed within one call.
//
//===----------------------------------------------------------------------===//
#include "ServerClient.h"
#include "PythonLocation.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace llvm;

namespace passlm {
namespace {

/// The kinds of engine spec a server serves (client.SERVED_KINDS).
constexpr StringRef ServedKinds[] = {"model", "llm-compiler", "openai",
                                     "coreset"};
constexpr unsigned DefaultServerTimeoutMs = 30000; // client.DEFAULT_TIMEOUT_MS
constexpr size_t ReplyLimit = size_t(16) << 20;    // client.REPLY_LIMIT

std::string environment(const char *Name) {
  const char *Value = std::getenv(Name);
  return Value ? Value : "";
}

/// os.path.abspath: joined to the working folder, '.' and '..' resolved
/// by the text alone.
std::string absolutePath(StringRef Path) {
  SmallString<256> Absolute(Path);
  sys::fs::make_absolute(Absolute);
  sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
  return std::string(Absolute);
}

/// protocol.check_private: "" when Path is ours and closed to others, else
/// why not (errno is kept for a path that does not exist).
std::string checkPrivate(const std::string &Path, bool Directory, int &Errno) {
  struct stat Info;
  Errno = 0;
  if (lstat(Path.c_str(), &Info) != 0) {
    Errno = errno;
    return std::strerror(Errno);
  }
  bool KindOk = Directory ? S_ISDIR(Info.st_mode) : S_ISSOCK(Info.st_mode);
  if (!KindOk)
    return Path + ": not a " + (Directory ? "folder" : "socket") +
           "; refusing to use it";
  if (Info.st_uid != getuid())
    return Path + ": owned by user " + std::to_string(Info.st_uid) +
           ", not by you (" + std::to_string(getuid()) +
           "); refusing to use it";
  mode_t Open = S_IWGRP | S_IWOTH | (Directory ? S_IRWXG | S_IRWXO : 0);
  if (Info.st_mode & Open) {
    char Mode[8];
    snprintf(Mode, sizeof Mode, "%o", unsigned(Info.st_mode & 07777));
    return Path + ": open to other users (mode " + Mode +
           "); refusing to use it";
  }
  return "";
}

using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point Deadline) {
  auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  Deadline - Clock::now())
                  .count();
  return Left <= 0 ? 0 : int(Left);
}

/// Closes its descriptor on every path out.
struct Socket {
  int Fd = -1;
  ~Socket() {
    if (Fd >= 0)
      close(Fd);
  }
};

ServerExchange failed(std::string Why) {
  ServerExchange E;
  E.Result = ServerExchange::Outcome::Failed;
  E.Error = std::move(Why);
  return E;
}

} // namespace

std::string defaultSocketPath() {
  // protocol.runtime_dir() and socket_name(): one server per install.
  std::string Base = environment("XDG_RUNTIME_DIR");
  std::string Folder = !Base.empty() && sys::fs::is_directory(Base)
                           ? Base + "/passlm"
                           : "/tmp/passlm-" + std::to_string(getuid());
  return Folder + "/server-" PASSLM_VERSION "-" + installId() + ".sock";
}

std::optional<ServerRoute> serverRoute(StringRef EngineSpec) {
  std::string SettingText = environment("PASSLM_SERVER");
  StringRef Setting = StringRef(SettingText).trim();
  if (Setting.empty())
    Setting = "auto";
  StringRef Spec = EngineSpec.empty() ? StringRef(DefaultEngineSpec) : EngineSpec;
  if (Setting == "off" || !is_contained(ServedKinds, Spec.split(':').first))
    return std::nullopt;
  std::string Client = environment("PASSLM_CLIENT");
  if (StringRef(Client).trim() == "python")
    return std::nullopt;
  ServerRoute Route;
  if (Setting == "auto") {
    Route.Socket = defaultSocketPath();
    Route.PrivateFolder = std::string(sys::path::parent_path(Route.Socket));
    Route.StartsOne = true;
  } else {
    Route.Socket = absolutePath(Setting);
    Route.StartsOne = false;
  }
  return Route;
}

std::string resolveEngineSpec(StringRef EngineSpec) {
  // client.resolve_spec: "default" and a bare name that is no path here (a
  // model shipped in the package) go as they are, the rest is made absolute.
  StringRef Spec = EngineSpec.empty() ? StringRef(DefaultEngineSpec) : EngineSpec;
  auto [Kind, Argument] = Spec.split(':');
  if ((Kind != "model" && Kind != "llm-compiler" && Kind != "coreset") ||
      Argument.empty() || Argument == "default")
    return Spec.str();
  if (Argument.contains('/') || Argument == "." || Argument == ".." ||
      sys::fs::exists(Argument))
    return (Kind + ":" + absolutePath(Argument)).str();
  return Spec.str();
}

unsigned serverTimeoutMs() {
  // client._env_number: a malformed value means the default.
  std::string Text = environment("PASSLM_SERVER_TIMEOUT_MS");
  if (Text.empty())
    return DefaultServerTimeoutMs;
  char *End = nullptr;
  double Ms = std::strtod(Text.c_str(), &End);
  while (End && (*End == ' ' || *End == '\n' || *End == '\t'))
    ++End;
  if (!End || *End || !std::isfinite(Ms))
    return DefaultServerTimeoutMs;
  return Ms < 1 ? 1 : Ms > 4e9 ? 4000000000u : unsigned(Ms);
}

ServerExchange exchangeWithServer(const ServerRoute &Route,
                                  const std::string &RequestLine,
                                  unsigned TimeoutMs,
                                  unique_function<void()> WhileWaiting,
                                  unsigned OverlapAfterMs) {
  const std::string &Path = Route.Socket;
  Clock::time_point Deadline = Clock::now() + std::chrono::milliseconds(TimeoutMs);
  auto NoServer = [] {
    ServerExchange E;
    E.Result = ServerExchange::Outcome::NoServer;
    return E;
  };
  // The folder, then the socket, as protocol.check_private does; a path that
  // does not exist is no server (FileNotFoundError in client.ask).
  int Errno = 0;
  if (!Route.PrivateFolder.empty()) {
    std::string Why = checkPrivate(Route.PrivateFolder, true, Errno);
    if (Errno == ENOENT && Route.StartsOne)
      return NoServer();
    if (!Why.empty())
      return failed("server " + Path + ": " + Why);
  }
  if (std::string Why = checkPrivate(Path, false, Errno); !Why.empty()) {
    if (Errno == ENOENT && Route.StartsOne)
      return NoServer();
    return failed("server " + Path + ": " + Why);
  }
  sockaddr_un Address{};
  Address.sun_family = AF_UNIX;
  if (Path.size() >= sizeof Address.sun_path)
    return failed("server " + Path + ": a socket path must be at most " +
                  std::to_string(sizeof Address.sun_path - 1) + " bytes");
  std::memcpy(Address.sun_path, Path.c_str(), Path.size() + 1);

  Socket S;
  S.Fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (S.Fd < 0)
    return failed("server " + Path + ": " + std::strerror(errno));
  std::string TimedOut = "server " + Path + " did not answer within " +
                         std::to_string(TimeoutMs) + " ms";
  // A Unix connect blocks only while the listen queue is full, for at most
  // the send timeout.
  timeval Wait{long(TimeoutMs / 1000), long(TimeoutMs % 1000) * 1000};
  setsockopt(S.Fd, SOL_SOCKET, SO_SNDTIMEO, &Wait, sizeof Wait);
  while (connect(S.Fd, reinterpret_cast<sockaddr *>(&Address), sizeof Address) != 0) {
    if (errno == EINTR)
      continue;
    if (errno == ECONNREFUSED && Route.StartsOne)
      return NoServer(); // a stale socket: a new server replaces it
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS)
      return failed(TimedOut);
    return failed("server " + Path + ": " + std::strerror(errno));
  }

  std::string Out = RequestLine + "\n";
  for (size_t Sent = 0; Sent < Out.size();) {
    pollfd P{S.Fd, POLLOUT, 0};
    int Ready = poll(&P, 1, msLeft(Deadline));
    if (Ready < 0 && errno == EINTR)
      continue;
    if (Ready == 0)
      return failed(TimedOut);
    // MSG_NOSIGNAL: a server that died must not kill the compiler (SIGPIPE).
    ssize_t N = send(S.Fd, Out.data() + Sent, Out.size() - Sent,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (N < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (N < 0)
      return failed("server " + Path + ": " + std::strerror(errno));
    Sent += size_t(N);
  }

  std::string In;
  Clock::time_point OverlapAt =
      Clock::now() + std::chrono::milliseconds(OverlapAfterMs);
  for (;;) {
    int Wait = msLeft(Deadline);
    if (WhileWaiting)
      Wait = std::min(Wait, msLeft(OverlapAt));
    pollfd P{S.Fd, POLLIN, 0};
    int Ready = poll(&P, 1, Wait);
    if (Ready < 0 && errno == EINTR)
      continue;
    if (Ready == 0) {
      if (WhileWaiting && msLeft(OverlapAt) == 0) {
        auto Work = std::move(WhileWaiting);
        WhileWaiting = nullptr;
        Work();
        continue;
      }
      if (msLeft(Deadline) == 0)
        return failed(TimedOut);
      continue;
    }
    char Buffer[1 << 16];
    ssize_t N = recv(S.Fd, Buffer, sizeof Buffer, MSG_DONTWAIT);
    if (N < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (N < 0)
      return failed("server " + Path + ": " + std::strerror(errno));
    if (N == 0)
      return failed(In.empty() ? "server " + Path +
                                     " closed the connection without answering"
                               : "server " + Path +
                                     ": bad reply (connection closed in the "
                                     "middle of a message)");
    size_t Before = In.size();
    In.append(Buffer, size_t(N));
    size_t End = In.find('\n', Before);
    if (End != std::string::npos) {
      ServerExchange E;
      E.Result = ServerExchange::Outcome::Answered;
      E.Reply = In.substr(0, End);
      return E;
    }
    if (In.size() > ReplyLimit)
      return failed("server " + Path + ": bad reply (larger than " +
                    std::to_string(ReplyLimit) + " bytes)");
  }
}

Expected<PredictReply> readServerPredictReply(const std::string &Socket,
                                              StringRef Line) {
  auto Fail = [&](const Twine &Why) {
    return createStringError(inconvertibleErrorCode(),
                             "server " + Socket + ": " + Why);
  };
  Expected<std::string> Error = readErrorReply(Line);
  if (Error)
    return Fail(*Error);
  consumeError(Error.takeError());
  Expected<PredictReply> Reply = readPredictReply(Line);
  if (!Reply)
    return Fail("bad reply (" + toString(Reply.takeError()) + ")");
  return Reply;
}

} // namespace passlm
