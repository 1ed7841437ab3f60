//===- Search.cpp - mutations around the best candidate (passlm/Search.h) --===//
#include "passlm/Search.h"

#include <cctype>

using namespace llvm;

namespace passlm {

namespace {

/// SplitMix64: a tiny generator whose sequence is the same everywhere.
class Random {
public:
  explicit Random(uint64_t Seed) : State(Seed) {}
  uint64_t next() {
    uint64_t Z = (State += 0x9e3779b97f4a7c15ULL);
    Z = (Z ^ (Z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    Z = (Z ^ (Z >> 27)) * 0x94d049bb133111ebULL;
    return Z ^ (Z >> 31);
  }
  /// A number in [0, N); N > 0. (The modulo's bias is negligible here and,
  /// above all, the same on every machine.)
  size_t below(size_t N) { return size_t(next() % N); }

private:
  uint64_t State;
};

uint64_t fnv1a(StringRef Text, uint64_t Hash = 0xcbf29ce484222325ULL) {
  for (unsigned char C : Text) {
    Hash ^= C;
    Hash *= 0x100000001b3ULL;
  }
  return Hash;
}

bool isNameStart(char C) { return std::isalpha(static_cast<unsigned char>(C)); }
bool isNameChar(char C) {
  return std::isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '-';
}

using Elements = std::vector<std::string>;

/// The ranked candidates as element lists, without the elements that run a
/// nondeterministic pass (they are no material), empty lists left out.
std::vector<Elements> materialOf(ArrayRef<std::string> Ranked) {
  std::vector<Elements> Material;
  for (const std::string &Candidate : Ranked) {
    Elements Kept;
    for (std::string &E : splitPipelineElements(Candidate))
      if (isDeterministicPipeline(E))
        Kept.push_back(std::move(E));
    if (!Kept.empty())
      Material.push_back(std::move(Kept));
  }
  return Material;
}

/// A candidate of Material drawn with weight R - r (rank r of R).
const Elements &drawCandidate(const std::vector<Elements> &Material,
                              Random &Rng) {
  size_t R = Material.size();
  size_t Ticket = Rng.below(R * (R + 1) / 2);
  for (size_t Rank = 0; Rank < R; ++Rank) {
    size_t Weight = R - Rank;
    if (Ticket < Weight)
      return Material[Rank];
    Ticket -= Weight;
  }
  return Material.back(); // not reached: the weights sum to R(R+1)/2
}

const std::string &drawElement(const std::vector<Elements> &Material,
                               Random &Rng) {
  const Elements &From = drawCandidate(Material, Rng);
  return From[Rng.below(From.size())];
}

enum Mutation { Insert, Delete, Replace, Swap, Splice };

/// One mutation of Best drawn from Rng; std::nullopt when the drawn one does
/// not apply or changes nothing.
std::optional<Elements> mutate(const Elements &Best,
                               const std::vector<Elements> &Material,
                               Random &Rng) {
  std::vector<Mutation> Applicable;
  if (!Material.empty())
    Applicable.insert(Applicable.end(), {Insert, Splice});
  if (Best.size() >= 2)
    Applicable.insert(Applicable.end(), {Delete, Swap});
  if (!Best.empty() && !Material.empty())
    Applicable.push_back(Replace);
  if (Applicable.empty())
    return std::nullopt;
  Elements Out = Best;
  switch (Applicable[Rng.below(Applicable.size())]) {
  case Insert:
    Out.insert(Out.begin() + Rng.below(Out.size() + 1),
               drawElement(Material, Rng));
    break;
  case Delete:
    Out.erase(Out.begin() + Rng.below(Out.size()));
    break;
  case Replace: {
    size_t At = Rng.below(Out.size());
    const std::string &E = drawElement(Material, Rng);
    if (E == Out[At])
      return std::nullopt;
    Out[At] = E;
    break;
  }
  case Swap: {
    size_t At = Rng.below(Out.size() - 1);
    if (Out[At] == Out[At + 1])
      return std::nullopt;
    std::swap(Out[At], Out[At + 1]);
    break;
  }
  case Splice: {
    const Elements &Other = drawCandidate(Material, Rng);
    size_t Prefix = Rng.below(Best.size() + 1);
    size_t From = Rng.below(Other.size() + 1);
    Out.assign(Best.begin(), Best.begin() + Prefix);
    Out.insert(Out.end(), Other.begin() + From, Other.end());
    break;
  }
  }
  if (Out.empty())
    return std::nullopt;
  return Out;
}

/// Attempts per proposal before giving up: far more than a climb of a few
/// dozen steps needs (most draws are new), bounded so a space that is used
/// up (a one-element best with nothing to insert) ends quickly.
constexpr unsigned MaxAttempts = 512;
/// Mutations per attempt grow by one every this many attempts (up to 4): a
/// best whose single mutations were all measured (a local optimum of a small
/// candidate set, seen after ~30 trials) is left by two or more at once.
constexpr unsigned AttemptsPerDepth = 128;

} // namespace

bool isDeterministicPipeline(StringRef Pipeline) {
  for (size_t I = 0; I < Pipeline.size();) {
    if (!isNameStart(Pipeline[I])) {
      ++I;
      continue;
    }
    size_t End = I + 1;
    while (End < Pipeline.size() && isNameChar(Pipeline[End]))
      ++End;
    StringRef Name = Pipeline.slice(I, End);
    for (const char *Bad : NondeterministicPasses)
      if (Name == Bad)
        return false;
    I = End;
  }
  return true;
}

std::vector<std::string> splitPipelineElements(StringRef Pipeline) {
  std::vector<std::string> Out;
  int Depth = 0;
  size_t Start = 0;
  auto Take = [&](size_t End) {
    StringRef E = Pipeline.slice(Start, End).trim();
    if (!E.empty())
      Out.push_back(E.str());
  };
  for (size_t I = 0; I < Pipeline.size(); ++I) {
    char C = Pipeline[I];
    if (C == '(' || C == '<')
      ++Depth;
    else if (C == ')' || C == '>')
      --Depth;
    else if (C == ',' && Depth == 0) {
      Take(I);
      Start = I + 1;
    }
  }
  Take(Pipeline.size());
  return Out;
}

std::string joinPipelineElements(ArrayRef<std::string> Elements) {
  std::string Out;
  for (const std::string &E : Elements) {
    if (!Out.empty())
      Out += ',';
    Out += E;
  }
  return Out;
}

uint64_t searchSeed(StringRef ContentHash) { return fnv1a(ContentHash); }

std::optional<std::string> proposeMutation(ArrayRef<std::string> Ranked,
                                           StringRef Best, uint64_t Seed,
                                           const std::set<std::string> &Measured) {
  Elements BestElements = splitPipelineElements(Best);
  std::string BestText = joinPipelineElements(BestElements);
  std::set<std::string> Seen;
  for (const std::string &P : Measured)
    Seen.insert(joinPipelineElements(splitPipelineElements(P)));
  Seen.insert(BestText);
  std::vector<Elements> Material = materialOf(Ranked);
  Random Rng(Seed ^ fnv1a(BestText) ^
             (uint64_t(Measured.size()) * 0x9e3779b97f4a7c15ULL));
  for (unsigned Attempt = 0; Attempt < MaxAttempts; ++Attempt) {
    std::optional<Elements> Next = BestElements;
    for (unsigned Depth = 0; Next && Depth <= Attempt / AttemptsPerDepth; ++Depth)
      Next = mutate(*Next, Material, Rng);
    if (!Next)
      continue;
    std::string Text = joinPipelineElements(*Next);
    if (Seen.count(Text) || !isDeterministicPipeline(Text))
      continue;
    return Text;
  }
  return std::nullopt;
}

HillClimb::HillClimb(std::vector<std::string> Ranked, std::string Best,
                     uint64_t BestSize, ArrayRef<std::string> Measured,
                     uint64_t Seed)
    : Ranked(std::move(Ranked)), Best(std::move(Best)), BestSize(BestSize),
      Seed(Seed) {
  for (const std::string &P : Measured)
    this->Measured.insert(joinPipelineElements(splitPipelineElements(P)));
  this->Measured.insert(joinPipelineElements(splitPipelineElements(this->Best)));
}

bool HillClimb::record(StringRef Pipeline, std::optional<uint64_t> Size) {
  ++Trials;
  Measured.insert(joinPipelineElements(splitPipelineElements(Pipeline)));
  if (!Size) {
    ++Failures;
    return false;
  }
  if (*Size >= BestSize)
    return false; // ties keep the earlier best
  Best = Pipeline.str();
  BestSize = *Size;
  ++Improvements;
  return true;
}

} // namespace passlm
