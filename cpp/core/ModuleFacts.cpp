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

std::string contentHash(Module &M) {
  // Blank the two names that depend on where the module came from, print,
  // and restore them: the hash is of the IR, not of its path.
  std::string Identifier = M.getModuleIdentifier();
  std::string SourceFile = M.getSourceFileName();
  M.setModuleIdentifier("");
  M.setSourceFileName("");
  std::string Text = printModule(M);
  M.setModuleIdentifier(Identifier);
  M.setSourceFileName(SourceFile);
  std::array<uint8_t, 32> Digest = SHA256::hash(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Text.data()),
                        Text.size()));
  return toHex(Digest, /*LowerCase=*/true);
}

std::map<std::string, std::vector<std::string>> knownPassNames() {
  // printPassNames is the only public listing of what the registry holds;
  // it prints headed sections ("Function passes with params:") of indented
  // names, parameterised ones as "name<params>".
  PassBuilder PB;
  std::string Listing;
  raw_string_ostream OS(Listing);
  PB.printPassNames(OS);
  OS.flush();

  std::map<std::string, std::vector<std::string>> Names;
  std::vector<std::string> *Section = nullptr;
  SmallVector<StringRef, 0> Lines;
  StringRef(Listing).split(Lines, '\n', -1, false);
  for (StringRef Line : Lines) {
    if (!Line.starts_with(" ")) {
      StringRef Heading = Line.trim();
      Section = nullptr;
      if (Heading.contains("analyses") || Heading.starts_with("Machine"))
        continue;
      if (Heading.starts_with("Module passes"))
        Section = &Names["module"];
      else if (Heading.starts_with("CGSCC passes"))
        Section = &Names["cgscc"];
      else if (Heading.starts_with("Function passes"))
        Section = &Names["function"];
      else if (Heading.starts_with("Loop passes") ||
               Heading.starts_with("LoopNest passes"))
        Section = &Names["loop"];
      continue;
    }
    if (!Section)
      continue;
    StringRef Name = Line.trim().split('<').first;
    if (!Name.empty())
      Section->push_back(Name.str());
  }
  for (auto &[Level, List] : Names) {
    llvm::sort(List);
    List.erase(std::unique(List.begin(), List.end()), List.end());
  }
  return Names;
}

} // namespace passlm
