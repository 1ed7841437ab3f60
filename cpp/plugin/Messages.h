//===- Messages.h - the plugin's messages to and from the bridge ----------===//
//
// The wire format is written once, in python/passlm/messages.py (its
// docstring is the reference); this is the plugin's side of it: one struct
// per message the plugin sends or reads, a writer for each (toJSON) and a
// reader for each (read*). The readers check a message exactly as the Python
// side does, with the same one-line reasons; tests/messages/golden pins both
// sides to the same messages (cpp/testing/MessagesCheck.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace passlm {

/// The version every message carries; a message of another is refused.
constexpr int64_t MessageVersion = 2;

/// What the plugin tells the engine about a module.
struct ModuleFacts {
  std::string Name;  // source file name
  std::string Hash;  // contentHash, the key of table: engines and of a server's cache
  std::string Triple;
  uint64_t Instructions = 0;
};

/// What a guard kept for a module and its candidates, remembered by a
/// server so that a rebuild runs the winner without measuring again.
struct Verdict {
  std::string Pipeline;
  uint64_t Size = 0, Baseline = 0;
};

/// What an engine reads: the plugin prints the IR (which costs tens of ms on
/// a large module) and hashes it only for engines that read them.
struct EngineNeeds {
  bool IR = true;
  bool Hash = true;
};

struct Candidate {
  std::string Pipeline;
  double Score = 0;
};

// Requests ("op").
struct DescribeRequest {
  std::string Engine; // "" = passlm's default engine
};
struct PredictRequest {
  std::string Engine;
  uint64_t K = 1;
  std::string Choice; // guard, first-measured, first; "" = no verdict wanted
  ModuleFacts Module;
  std::string IR;     // "" when the engine does not read it
};
struct VerdictRequest {
  std::string Engine;
  std::string Hash;
  std::string Choice;
  std::vector<std::string> Candidates; // exactly as the engine proposed them
  Verdict Kept;
};

// Replies ("reply": the op they answer). An error reply is read as an Error
// whose text is the reply's one line.
struct DescribeReply {
  EngineNeeds Needs;
};
struct PredictReply {
  std::vector<Candidate> Candidates; // best first
  EngineNeeds Needs;
  bool Cached = false;
  std::optional<Verdict> Known; // a server's verdict for these candidates
};
struct VerdictReply {};

llvm::json::Value toJSON(const DescribeRequest &);
llvm::json::Value toJSON(const PredictRequest &);
llvm::json::Value toJSON(const VerdictRequest &);
llvm::json::Value toJSON(const DescribeReply &);
llvm::json::Value toJSON(const PredictReply &);
llvm::json::Value toJSON(const VerdictReply &);
/// An error reply (the first line of Reason).
llvm::json::Value errorReply(llvm::StringRef Reason);

/// The compact text of a message.
std::string writeMessage(const llvm::json::Value &Message);

/// Checks any message of the wire format; on failure the Error's text is the
/// reason, word for word what passlm.messages.validate says.
llvm::Error checkMessage(const llvm::json::Value &Message);
/// "predict" for a predict request, "predict reply" for its reply; "" when
/// the message names no known op or reply.
std::string messageKind(const llvm::json::Value &Message);

// Readers: the JSON text of one message, checked, of the kind named. A
// malformed message or one of another kind is an Error with the reason.
llvm::Expected<DescribeRequest> readDescribeRequest(llvm::StringRef Text);
llvm::Expected<PredictRequest> readPredictRequest(llvm::StringRef Text);
llvm::Expected<VerdictRequest> readVerdictRequest(llvm::StringRef Text);
llvm::Expected<DescribeReply> readDescribeReply(llvm::StringRef Text);
llvm::Expected<PredictReply> readPredictReply(llvm::StringRef Text);
llvm::Expected<VerdictReply> readVerdictReply(llvm::StringRef Text);
/// The text of an error reply.
llvm::Expected<std::string> readErrorReply(llvm::StringRef Text);

} // namespace passlm
