//===- ModuleFacts.cpp - instruction count, content hash, pass names ------===//
#include "passlm/Core.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/SHA256.h"

using namespace llvm;

namespace passlm {

uint64_t countInstructions(const Module &M) {
  uint64_t Count = 0;
  for (const Function &F : M)
    for (const BasicBlock &BB : F)
      Count += BB.size();
  return Count;
}

/// Drops comments (and the blank lines they leave) from textual IR. The
/// printer's comments carry state that is not IR: "; preds = %a, %b" lists
/// predecessors in use-list order, which a text round trip does not keep.
/// String literals (c"..", !"..") may hold ';' and never an unescaped '"'.
static std::string withoutComments(StringRef Text) {
  std::string Out;
  Out.reserve(Text.size());
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    bool Quoted = false;
    size_t End = Line.size();
    for (size_t I = 0; I < Line.size(); ++I) {
      if (Line[I] == '"')
        Quoted = !Quoted;
      else if (Line[I] == ';' && !Quoted) {
        End = I;
        break;
      }
    }
    StringRef Kept = Line.take_front(End).rtrim();
    if (Kept.empty())
      continue;
    Out.append(Kept.data(), Kept.size());
    Out.push_back('\n');
  }
  return Out;
}

std::string printModuleAnonymous(Module &M) {
  // Blank the two names that depend on where the module came from, print,
  // and restore them: the hash is of the IR, not of its path.
  std::string Identifier = M.getModuleIdentifier();
  std::string SourceFile = M.getSourceFileName();
  M.setModuleIdentifier("");
  M.setSourceFileName("");
  std::string Text = printModule(M);
  M.setModuleIdentifier(Identifier);
  M.setSourceFileName(SourceFile);
  return Text;
}

std::string contentHashOfAnonymousText(StringRef Text) {
  std::string Content = withoutComments(Text);
  std::array<uint8_t, 32> Digest = SHA256::hash(ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(Content.data()), Content.size()));
  return toHex(Digest, /*LowerCase=*/true);
}

std::string contentHash(Module &M) {
  return contentHashOfAnonymousText(printModuleAnonymous(M));
}

std::map<std::string, std::vector<std::string>> knownPassNames() {
  // printPassNames is the only public listing of what the registry holds;
  // it prints headed sections ("Function passes with params:") of indented
  // names, parameterised ones as "name<params>". A name is kept only if it
  // parses on its own at its level (some parameterised passes need their
  // parameters, e.g. function-simplification<O2>).
  PassBuilder PB;
  std::string Listing;
  raw_string_ostream OS(Listing);
  PB.printPassNames(OS);
  OS.flush();

  struct SectionInfo {
    const char *Heading, *Level, *Open, *Close;
  };
  static const SectionInfo Sections[] = {
      {"Module passes", "module", "", ""},
      {"CGSCC passes", "cgscc", "cgscc(", ")"},
      {"Function passes", "function", "function(", ")"},
      {"LoopNest passes", "loop", "function(loop(", "))"},
      {"Loop passes", "loop", "function(loop(", "))"},
  };
  std::map<std::string, std::vector<std::string>> Names;
  const SectionInfo *Section = nullptr;
  bool WithParams = false;
  SmallVector<StringRef, 0> Lines;
  StringRef(Listing).split(Lines, '\n', -1, false);
  for (StringRef Line : Lines) {
    if (!Line.starts_with(" ")) {
      StringRef Heading = Line.trim();
      Section = nullptr;
      WithParams = Heading.contains("with params");
      for (const auto &S : Sections)
        if (Heading.starts_with(S.Heading) && !Heading.contains("analyses"))
          Section = &S;
      continue;
    }
    if (!Section)
      continue;
    // "name<a;b>" in the with-params sections lists the parameters; elsewhere
    // the <...> is part of the name (invalidate<all>).
    StringRef Name = Line.trim();
    if (WithParams)
      Name = Name.split('<').first;
    if (Name.empty())
      continue;
    std::string Wrapped = std::string(Section->Open) + Name.str() + Section->Close;
    if (Error E = checkPipeline(Wrapped)) {
      consumeError(std::move(E));
      continue;
    }
    Names[Section->Level].push_back(Name.str());
  }
  for (auto &[Level, List] : Names) {
    llvm::sort(List);
    List.erase(std::unique(List.begin(), List.end()), List.end());
  }
  return Names;
}

} // namespace passlm
