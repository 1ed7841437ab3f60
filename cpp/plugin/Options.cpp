//===- Options.cpp --------------------------------------------------------===//
#include "Options.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdlib>

using namespace llvm;

namespace passlm {

static Error badValue(StringRef Key, StringRef Value, StringRef Expected) {
  return createStringError(inconvertibleErrorCode(),
                           "invalid value '" + Value + "' for " + Key +
                               " (expected " + Expected + ")");
}

static Error setOption(Options &O, StringRef Key, StringRef Value) {
  auto Flag = [&](bool &Field) -> Error {
    if (Value.empty() || Value == "1" || Value == "true" || Value == "on")
      Field = true;
    else if (Value == "0" || Value == "false" || Value == "off")
      Field = false;
    else
      return badValue(Key, Value, "1 or 0");
    return Error::success();
  };
  auto Number = [&](unsigned &Field, unsigned Min) -> Error {
    unsigned N;
    if (Value.getAsInteger(10, N) || N < Min)
      return badValue(Key, Value, "an integer >= " + std::to_string(Min));
    Field = N;
    return Error::success();
  };
  if (Key == "engine")
    O.Engine = Value.str();
  else if (Key == "k")
    return Number(O.K, 1);
  else if (Key == "guard")
    return Flag(O.Guard);
  else if (Key == "print")
    return Flag(O.Print);
  else if (Key == "strict")
    return Flag(O.Strict);
  else if (Key == "python")
    O.Python = Value.str();
  else if (Key == "timeout_ms")
    return Number(O.TimeoutMs, 1);
  else if (Key == "budget_ms")
    return Number(O.BudgetMs, 1);
  else if (Key == "overlap_ms")
    return Number(O.OverlapMs, 0);
  else if (Key == "adopt")
    return Flag(O.Adopt);
  else if (Key == "debug")
    return Flag(O.Debug);
  else if (Key == "search")
    return Number(O.Search, 0);
  else
    return createStringError(inconvertibleErrorCode(),
                             "unknown parameter '" + Key +
                                 "' (known: engine, k, guard, print, strict, "
                                 "python, timeout_ms, budget_ms, overlap_ms, adopt, "
                                 "debug, search)");
  return Error::success();
}

Options Options::fromEnvironment(std::string &Problems) {
  static const struct {
    const char *Variable, *Key;
  } Variables[] = {{"PASSLM_ENGINE", "engine"},   {"PASSLM_K", "k"},
                   {"PASSLM_GUARD", "guard"},     {"PASSLM_PRINT", "print"},
                   {"PASSLM_STRICT", "strict"},   {"PASSLM_PYTHON", "python"},
                   {"PASSLM_TIMEOUT_MS", "timeout_ms"},
                   {"PASSLM_BUDGET_MS", "budget_ms"},
                   {"PASSLM_OVERLAP_MS", "overlap_ms"},
                   {"PASSLM_ADOPT", "adopt"},     {"PASSLM_DEBUG", "debug"},
                   {"PASSLM_SEARCH", "search"}};
  Options O;
  for (const auto &V : Variables) {
    const char *Value = std::getenv(V.Variable);
    if (!Value || !*Value)
      continue;
    if (Error E = setOption(O, V.Key, Value))
      Problems += "passlm: warning: " + toString(std::move(E)) + " (from " +
                  V.Variable + ")\n";
  }
  return O;
}

Error Options::applyParameters(StringRef Params) {
  // Split on ';' at bracket depth 0, so engine=fixed:loop-unroll<O2;...> works.
  int Depth = 0;
  size_t Start = 0;
  for (size_t I = 0; I <= Params.size(); ++I) {
    char C = I < Params.size() ? Params[I] : ';';
    if (C == '<')
      ++Depth;
    else if (C == '>')
      --Depth;
    else if (C == ';' && Depth <= 0) {
      StringRef Item = Params.slice(Start, I).trim();
      Start = I + 1;
      if (Item.empty())
        continue;
      auto [Key, Value] = Item.split('=');
      if (Error E = setOption(*this, Key.trim(), Value.trim()))
        return E;
    }
  }
  return Error::success();
}

} // namespace passlm
