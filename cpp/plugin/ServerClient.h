//===- ServerClient.h - asking a passlm server without Python --------------===//
//
// A compiler process whose engine a server serves asks it directly: one
// request line over the server's Unix socket, one reply line back, in the
// messages of python/passlm/messages.py (Messages.h). No interpreter is
// started, so a cache hit costs a round trip. The route, the socket's path,
// the engine spec sent and the checks on the socket are those of
// python/passlm/server/client.py and protocol.py, rule for rule: the two
// clients must reach the same server with the same request.
//
// When no server listens and the route may start one, the caller falls back
// to the embedded bridge (which starts one, as before); every other failure
// is reported with its one-line reason, as the Python client words it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Messages.h"

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace passlm {

/// passlm's default engine spec (passlm.defaults.DEFAULT_ENGINE): what a
/// request with engine "" means.
inline constexpr char DefaultEngineSpec[] = "coreset:default";

/// Where the requests for an engine go, as client.route says.
struct ServerRoute {
  std::string Socket;    // absolute path of the server's socket
  bool StartsOne = true; // PASSLM_SERVER=auto: none answering -> start one
  /// The runtime folder the default socket lives in, checked as
  /// protocol.ensure_private_dir checks it (ours, mode 0700); "" for a
  /// socket the user named.
  std::string PrivateFolder;
};

/// The route for EngineSpec ("" is the default engine), or std::nullopt:
/// ask in-process. None when PASSLM_SERVER=off, when the spec's kind is not
/// one a server serves (client.SERVED_KINDS), or when PASSLM_CLIENT=python
/// (the embedded bridge asks instead: the same server, through Python).
std::optional<ServerRoute> serverRoute(llvm::StringRef EngineSpec);

/// The socket of the user's server: protocol.default_socket().
std::string defaultSocketPath();

/// The spec as the server receives it (client.resolve_spec): "" is the
/// default engine; a path argument of model:, llm-compiler: or coreset: is
/// made absolute, since the server runs elsewhere.
std::string resolveEngineSpec(llvm::StringRef EngineSpec);

/// PASSLM_SERVER_TIMEOUT_MS (default 30000): how long a request may wait for
/// its reply, connecting included.
unsigned serverTimeoutMs();

/// What one exchange with a server gave.
struct ServerExchange {
  enum class Outcome {
    Answered, // Reply holds the reply line (any reply, an error one too)
    NoServer, // no socket, or nobody listens on it: a server may be started
    Failed,   // Error says why, in client.py's words
  };
  Outcome Result = Outcome::Failed;
  std::string Reply;
  std::string Error;
};

/// Sends RequestLine (one message, no newline) to the server of Route and
/// reads one reply line, within TimeoutMs in all. WhileWaiting, if given,
/// is called once when the request has been sent and no reply came within
/// OverlapAfterMs: the caller starts work that does not need the answer.
/// Never throws; the socket is checked as protocol.check_private does (ours,
/// closed to others) before it is used.
ServerExchange exchangeWithServer(const ServerRoute &Route,
                                  const std::string &RequestLine,
                                  unsigned TimeoutMs,
                                  llvm::unique_function<void()> WhileWaiting = {},
                                  unsigned OverlapAfterMs = 0);

/// A predict reply from a server, or the one line that says why there is
/// none ("server PATH: ..."), as client.call words it.
llvm::Expected<PredictReply> readServerPredictReply(const std::string &Socket,
                                                    llvm::StringRef Line);

} // namespace passlm
