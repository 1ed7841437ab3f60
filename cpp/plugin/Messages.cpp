//===- Messages.cpp - the plugin's messages, checked as passlm.messages does ---===//
//
// The shapes below mirror the REQUESTS and REPLIES of
// python/passlm/messages.py, field for field and in the same order, and the
// checks give the same reasons in the same order: the golden messages of
// tests/messages hold both sides to that. (One difference that no producer
// shows: llvm::json reads 2.0 as an integer, Python does not.)
//
//===----------------------------------------------------------------------===//
#include "Messages.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace passlm {
namespace {

enum class Type { String, StringOrNull, Integer, Number, Bool, OneOf, List, Object, AnyObject };

struct Shape;
struct Field {
  const char *Name;
  const Shape *Of;
  bool Optional = false;
};

struct Shape {
  Type T;
  int64_t Minimum = 0;             // Integer
  std::vector<std::string> Values = {}; // OneOf
  const Shape *Item = nullptr;          // List
  std::vector<Field> Fields = {};       // Object
};

Shape integer(int64_t Minimum) {
  return {Type::Integer, Minimum, {}, nullptr, {}};
}
Shape oneOf(std::vector<std::string> Values) {
  return {Type::OneOf, 0, std::move(Values), nullptr, {}};
}
Shape list(const Shape *Item) { return {Type::List, 0, {}, Item, {}}; }
Shape object(std::vector<Field> Fields) {
  return {Type::Object, 0, {}, nullptr, std::move(Fields)};
}

struct Schema {
  Shape String{Type::String}, StringOrNull{Type::StringOrNull},
      Number{Type::Number}, Bool{Type::Bool}, AnyObject{Type::AnyObject};
  Shape Count = integer(0), Positive = integer(1);
  Shape Need = oneOf({"hash", "ir"}), Needs = list(&Need);
  Shape Choice = oneOf({"guard", "first-measured", "first"});
  Shape ChoiceOrNone = oneOf({"guard", "first-measured", "first", ""});
  Shape Strings = list(&String);
  Shape Module = object({{"name", &String},
                         {"hash", &String},
                         {"triple", &String},
                         {"instructions", &Count}});
  Shape Candidate = object({{"pipeline", &String}, {"score", &Number}});
  Shape Candidates = list(&Candidate);
  Shape Kept = object(
      {{"pipeline", &String}, {"size", &Count}, {"baseline", &Count}});

  std::vector<std::pair<std::string, Shape>> Requests{
      {"describe", object({{"engine", &String}})},
      {"predict", object({{"engine", &String},
                          {"k", &Positive},
                          {"choice", &ChoiceOrNone},
                          {"module", &Module},
                          {"ir", &String}})},
      {"verdict", object({{"engine", &String},
                          {"hash", &String},
                          {"choice", &Choice},
                          {"candidates", &Strings},
                          {"pipeline", &String},
                          {"size", &Count},
                          {"baseline", &Count}})},
      {"status", object({})},
      {"stop", object({})},
  };
  std::vector<std::pair<std::string, Shape>> Replies{
      {"describe", object({{"needs", &Needs}})},
      {"predict", object({{"candidates", &Candidates},
                          {"needs", &Needs},
                          {"cached", &Bool},
                          {"verdict", &Kept, /*Optional=*/true}})},
      {"verdict", object({})},
      {"status", object({{"pid", &Positive},
                         {"socket", &String},
                         {"log", &String},
                         {"cache", &StringOrNull},
                         {"uptime_s", &Number},
                         {"max_batch", &Positive},
                         {"idle_timeout_s", &Number},
                         {"engines", &AnyObject},
                         {"counters", &AnyObject}})},
      {"stop", object({})},
      {"error", object({{"error", &String}})},
  };
};

const Schema &schema() {
  static const Schema *S = new Schema; // never destroyed: used from any thread
  return *S;
}

Error fail(const Twine &Reason) {
  return createStringError(inconvertibleErrorCode(), Reason);
}

std::string render(const json::Value &V) {
  std::string Text;
  raw_string_ostream(Text) << V;
  return Text;
}

std::string expected(const Shape &S) {
  switch (S.T) {
  case Type::String: return "a string";
  case Type::StringOrNull: return "a string or null";
  case Type::Integer: return "an integer >= " + std::to_string(S.Minimum);
  case Type::Number: return "a finite number";
  case Type::Bool: return "true or false";
  case Type::OneOf: {
    std::string Text = "one of ";
    for (size_t I = 0; I < S.Values.size(); ++I)
      Text += (I ? ", " : "") + render(json::Value(S.Values[I]));
    return Text;
  }
  case Type::List: return "a list";
  case Type::Object:
  case Type::AnyObject: return "an object";
  }
  return "?";
}

bool fits(const json::Value &V, const Shape &S) {
  switch (S.T) {
  case Type::String: return V.getAsString().has_value();
  case Type::StringOrNull: return V.getAsNull().has_value() || V.getAsString().has_value();
  case Type::Integer: {
    std::optional<int64_t> I = V.getAsInteger();
    return I && *I >= S.Minimum;
  }
  case Type::Number: {
    std::optional<double> N = V.getAsNumber();
    return N && std::isfinite(*N);
  }
  case Type::Bool: return V.getAsBoolean().has_value();
  case Type::OneOf: {
    std::optional<StringRef> Text = V.getAsString();
    return Text && is_contained(S.Values, Text->str());
  }
  case Type::List: return V.getAsArray() != nullptr;
  case Type::Object:
  case Type::AnyObject: return V.getAsObject() != nullptr;
  }
  return false;
}

std::optional<std::string> checkFields(const json::Object &O, const std::vector<Field> &Fields,
                                       const std::string &Prefix,
                                       std::initializer_list<StringRef> Envelope = {});

/// The first problem of V (at Path) against S, if any.
std::optional<std::string> check(const json::Value &V, const Shape &S, const std::string &Path) {
  if (!fits(V, S))
    return "'" + Path + "' must be " + expected(S);
  if (S.T == Type::List) {
    const json::Array &Items = *V.getAsArray();
    for (size_t I = 0; I < Items.size(); ++I)
      if (auto Problem = check(Items[I], *S.Item, Path + "[" + std::to_string(I) + "]"))
        return Problem;
  } else if (S.T == Type::Object) {
    return checkFields(*V.getAsObject(), S.Fields, Path + ".");
  }
  return std::nullopt;
}

std::optional<std::string> checkFields(const json::Object &O, const std::vector<Field> &Fields,
                                       const std::string &Prefix,
                                       std::initializer_list<StringRef> Envelope) {
  for (const Field &F : Fields) {
    const json::Value *V = O.get(F.Name);
    if (!V) {
      if (F.Optional)
        continue;
      return "missing '" + Prefix + F.Name + "'";
    }
    if (auto Problem = check(*V, *F.Of, Prefix + F.Name))
      return Problem;
  }
  std::vector<std::string> Unknown;
  for (const auto &Entry : O) {
    StringRef Key = Entry.first;
    if (!is_contained(Envelope, Key) &&
        none_of(Fields, [&](const Field &F) { return Key == F.Name; }))
      Unknown.push_back(Key.str());
  }
  if (Unknown.empty())
    return std::nullopt;
  return "unknown field '" + Prefix + *std::min_element(Unknown.begin(), Unknown.end()) + "'";
}

/// The shape of a message's kind and the key that names it ("op" or "reply").
const Shape *shapeOf(const json::Object &O, StringRef &Key) {
  const Schema &S = schema();
  Key = O.get("op") ? "op" : "reply";
  const auto &Table = Key == "op" ? S.Requests : S.Replies;
  std::optional<StringRef> Name = O.getString(Key);
  for (const auto &[Known, Of] : Table)
    if (Name && *Name == Known)
      return &Of;
  return nullptr;
}

// ---------------------------------------------------------------- reading

Expected<json::Value> readKind(StringRef Text, StringRef Kind) {
  Expected<json::Value> Parsed = json::parse(Text);
  if (!Parsed)
    return fail("not JSON: " + toString(Parsed.takeError()));
  if (Error E = checkMessage(*Parsed))
    return E;
  std::string Got = messageKind(*Parsed);
  if (Got == Kind)
    return std::move(*Parsed);
  if (Got == "error reply" && Kind.ends_with(" reply"))
    return fail(*Parsed->getAsObject()->getString("error"));
  return fail("a " + Got + ", not a " + Kind);
}

// Fields of a checked message: present and of the right type.
std::string text(const json::Object &O, StringRef Key) { return O.getString(Key)->str(); }
uint64_t count(const json::Object &O, StringRef Key) { return uint64_t(*O.getInteger(Key)); }

std::vector<std::string> strings(const json::Array &Items) {
  std::vector<std::string> Out;
  for (const json::Value &V : Items)
    Out.push_back(V.getAsString()->str());
  return Out;
}

EngineNeeds needsOf(const json::Array &Items) {
  EngineNeeds Needs{false, false};
  for (const json::Value &V : Items) {
    Needs.IR |= *V.getAsString() == "ir";
    Needs.Hash |= *V.getAsString() == "hash";
  }
  return Needs;
}

Verdict verdictOf(const json::Object &O) {
  return Verdict{text(O, "pipeline"), count(O, "size"), count(O, "baseline")};
}

// ---------------------------------------------------------------- writing

// Op and Answers are literals: a json::Value of a string literal (or of any
// StringRef) does not copy it.
json::Object request(const char *Op) {
  return json::Object{{"version", MessageVersion}, {"op", Op}};
}
json::Object reply(const char *Answers) {
  return json::Object{{"version", MessageVersion}, {"reply", Answers}};
}

/// Sorted, as passlm.messages writes them.
json::Array needsToJSON(const EngineNeeds &Needs) {
  json::Array Out;
  if (Needs.Hash)
    Out.push_back("hash");
  if (Needs.IR)
    Out.push_back("ir");
  return Out;
}

json::Object verdictToJSON(const Verdict &V) {
  return json::Object{{"pipeline", V.Pipeline},
                      {"size", int64_t(V.Size)},
                      {"baseline", int64_t(V.Baseline)}};
}

} // namespace

Error checkMessage(const json::Value &Message) {
  const json::Object *O = Message.getAsObject();
  if (!O)
    return fail("a message must be a JSON object");
  std::string Speaks = " (this passlm speaks " + std::to_string(MessageVersion) + ")";
  const json::Value *Version = O->get("version");
  if (!Version)
    return fail("no protocol version" + Speaks);
  if (Version->getAsInteger() != MessageVersion)
    return fail("unsupported protocol version " + render(*Version) + Speaks);
  if (!O->get("op") && !O->get("reply"))
    return fail("a message needs an 'op' (a request) or a 'reply'");
  StringRef Key;
  const Shape *Of = shapeOf(*O, Key);
  if (!Of) {
    std::string Known;
    for (const auto &Entry : Key == "op" ? schema().Requests : schema().Replies)
      Known += (Known.empty() ? "" : ", ") + Entry.first;
    return fail("unknown " + Key + " " + render(*O->get(Key)) + " (known: " + Known + ")");
  }
  if (auto Problem = checkFields(*O, Of->Fields, "", {"version", Key}))
    return fail(messageKind(Message) + ": " + *Problem);
  return Error::success();
}

std::string messageKind(const json::Value &Message) {
  const json::Object *O = Message.getAsObject();
  StringRef Key;
  if (!O || !shapeOf(*O, Key))
    return "";
  std::string Name = O->getString(Key)->str();
  return Key == "op" ? Name : Name + " reply";
}

std::string writeMessage(const json::Value &Message) {
  std::string Text;
  raw_string_ostream(Text) << Message;
  return Text;
}

json::Value toJSON(const DescribeRequest &R) {
  json::Object O = request("describe");
  O["engine"] = R.Engine;
  return O;
}

json::Value toJSON(const PredictRequest &R) {
  json::Object O = request("predict");
  O["engine"] = R.Engine;
  O["k"] = int64_t(R.K);
  O["choice"] = R.Choice;
  O["module"] = json::Object{{"name", R.Module.Name},
                             {"hash", R.Module.Hash},
                             {"triple", R.Module.Triple},
                             {"instructions", int64_t(R.Module.Instructions)}};
  O["ir"] = R.IR;
  return O;
}

json::Value toJSON(const VerdictRequest &R) {
  json::Object O = request("verdict");
  O["engine"] = R.Engine;
  O["hash"] = R.Hash;
  O["choice"] = R.Choice;
  O["candidates"] = json::Array(R.Candidates);
  O["pipeline"] = R.Kept.Pipeline;
  O["size"] = int64_t(R.Kept.Size);
  O["baseline"] = int64_t(R.Kept.Baseline);
  return O;
}

json::Value toJSON(const DescribeReply &R) {
  json::Object O = reply("describe");
  O["needs"] = needsToJSON(R.Needs);
  return O;
}

json::Value toJSON(const PredictReply &R) {
  json::Object O = reply("predict");
  json::Array Candidates;
  for (const Candidate &C : R.Candidates)
    Candidates.push_back(json::Object{{"pipeline", C.Pipeline}, {"score", C.Score}});
  O["candidates"] = std::move(Candidates);
  O["needs"] = needsToJSON(R.Needs);
  O["cached"] = R.Cached;
  if (R.Known)
    O["verdict"] = verdictToJSON(*R.Known);
  return O;
}

json::Value toJSON(const VerdictReply &) { return reply("verdict"); }

json::Value errorReply(StringRef Reason) {
  StringRef Trimmed = Reason.trim();
  StringRef Line = Trimmed.take_front(Trimmed.find_first_of("\r\n"));
  json::Object O = reply("error");
  O["error"] = Line.empty() ? std::string("unknown error") : Line.str();
  return O;
}

Expected<DescribeRequest> readDescribeRequest(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "describe");
  if (!M)
    return M.takeError();
  return DescribeRequest{text(*M->getAsObject(), "engine")};
}

Expected<PredictRequest> readPredictRequest(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "predict");
  if (!M)
    return M.takeError();
  const json::Object &O = *M->getAsObject();
  const json::Object &Module = *O.getObject("module");
  PredictRequest R;
  R.Engine = text(O, "engine");
  R.K = count(O, "k");
  R.Choice = text(O, "choice");
  R.Module = ModuleFacts{text(Module, "name"), text(Module, "hash"), text(Module, "triple"),
                         count(Module, "instructions")};
  R.IR = text(O, "ir");
  return R;
}

Expected<VerdictRequest> readVerdictRequest(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "verdict");
  if (!M)
    return M.takeError();
  const json::Object &O = *M->getAsObject();
  return VerdictRequest{text(O, "engine"), text(O, "hash"), text(O, "choice"),
                        strings(*O.getArray("candidates")), verdictOf(O)};
}

Expected<DescribeReply> readDescribeReply(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "describe reply");
  if (!M)
    return M.takeError();
  return DescribeReply{needsOf(*M->getAsObject()->getArray("needs"))};
}

Expected<PredictReply> readPredictReply(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "predict reply");
  if (!M)
    return M.takeError();
  const json::Object &O = *M->getAsObject();
  PredictReply R;
  for (const json::Value &C : *O.getArray("candidates")) {
    const json::Object &Entry = *C.getAsObject();
    R.Candidates.push_back(Candidate{text(Entry, "pipeline"), *Entry.getNumber("score")});
  }
  R.Needs = needsOf(*O.getArray("needs"));
  R.Cached = *O.getBoolean("cached");
  if (const json::Object *Known = O.getObject("verdict"))
    R.Known = verdictOf(*Known);
  return R;
}

Expected<VerdictReply> readVerdictReply(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "verdict reply");
  if (!M)
    return M.takeError();
  return VerdictReply{};
}

Expected<std::string> readErrorReply(StringRef Text) {
  Expected<json::Value> M = readKind(Text, "error reply");
  if (!M)
    return M.takeError();
  return text(*M->getAsObject(), "error");
}

} // namespace passlm
