//===- MessagesCheck.cpp - the golden messages, read and written by C++ ---===//
//
// A test program, run by tests/test_messages.py. The main build makes it
// (cpp/plugin/CMakeLists.txt, with the plugin's Messages.cpp), never installs
// it; this folder's own CMakeLists.txt is BreakCode's and does not build it.
// For each message file given, one line on stdout:
//
//   FILE ok KIND JSON      the plugin's reader accepted it, and its writer
//                          gave JSON, the same message
//   FILE valid KIND        a well-formed message the plugin neither sends
//                          nor reads (status, stop)
//   FILE rejected REASON   malformed, with Messages.cpp's reason
//   FILE differs KIND JSON the message written back is not the one read
//
// Exits 1 when a message differs or a file cannot be read, else 0.
//
//===----------------------------------------------------------------------===//
#include "Messages.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <map>

using namespace llvm;
using namespace passlm;

namespace {

using Rewrite = std::function<Expected<json::Value>(StringRef)>;

template <typename T> Expected<json::Value> written(Expected<T> Read) {
  if (!Read)
    return Read.takeError();
  return toJSON(*Read);
}

/// The plugin's reader and writer of each kind of message.
const std::map<std::string, Rewrite> &rewrites() {
  static const std::map<std::string, Rewrite> Table{
      {"describe", [](StringRef T) { return written(readDescribeRequest(T)); }},
      {"predict", [](StringRef T) { return written(readPredictRequest(T)); }},
      {"verdict", [](StringRef T) { return written(readVerdictRequest(T)); }},
      {"describe reply", [](StringRef T) { return written(readDescribeReply(T)); }},
      {"predict reply", [](StringRef T) { return written(readPredictReply(T)); }},
      {"verdict reply", [](StringRef T) { return written(readVerdictReply(T)); }},
      {"error reply",
       [](StringRef T) -> Expected<json::Value> {
         Expected<std::string> Text = readErrorReply(T);
         if (!Text)
           return Text.takeError();
         return errorReply(*Text);
       }},
  };
  return Table;
}

/// Checks one file; false when it cannot be read or does not come back the same.
bool checkFile(StringRef Path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer) {
    errs() << Path << ": " << Buffer.getError().message() << "\n";
    return false;
  }
  StringRef Text = (*Buffer)->getBuffer();
  outs() << Path << " ";
  Expected<json::Value> Parsed = json::parse(Text);
  if (!Parsed) {
    outs() << "rejected not JSON: " << toString(Parsed.takeError()) << "\n";
    return true;
  }
  if (Error E = checkMessage(*Parsed)) {
    outs() << "rejected " << toString(std::move(E)) << "\n";
    return true;
  }
  std::string Kind = messageKind(*Parsed);
  auto It = rewrites().find(Kind);
  if (It == rewrites().end()) {
    outs() << "valid " << Kind << "\n";
    return true;
  }
  Expected<json::Value> Again = It->second(Text);
  if (!Again) {
    outs() << "rejected " << toString(Again.takeError()) << "\n";
    return true;
  }
  bool Same = *Again == *Parsed;
  outs() << (Same ? "ok " : "differs ") << Kind << " " << writeMessage(*Again) << "\n";
  return Same;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    errs() << "usage: " << argv[0] << " MESSAGE.json...\n";
    return 2;
  }
  bool AllSame = true;
  for (int I = 1; I < argc; ++I)
    AllSame &= checkFile(argv[I]);
  return AllSame ? 0 : 1;
}
