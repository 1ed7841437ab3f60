//==============================================================================
// FILE:
//    BreakCode.cpp
//
// DESCRIPTION:
//    A deliberately wrong optimization, for testing passlm's miscompile
//    screening (passlm.screen) and nothing else. The module pass
//    `passlm-test-break` changes what a program computes while keeping the IR
//    valid: in every function named `main`, the first `icmp` gets the inverse
//    predicate (== becomes !=, < becomes >=). With `passlm-test-break<add>`
//    the second operand X of the first integer `add` of `main` becomes X + 1
//    instead (a new `add` is inserted before it). The module still verifies;
//    the program prints something else (or crashes, or loops).
//    `passlm-test-break<invalid>` makes IR that does not verify (the entry
//    block of `main` gets an `unreachable` in the middle of it).
//
//    Not part of the passlm build: cpp/testing/CMakeLists.txt builds it
//    standalone, and tests/test_screen.py builds it into a temporary folder.
//
// USAGE:
//    cmake -S cpp/testing -B /tmp/break && cmake --build /tmp/break
//    opt-19 -load-pass-plugin=/tmp/break/libBreakCode.so \
//      -passes='default<Oz>,passlm-test-break' in.bc -o out.bc
//
// License: Apache-2.0 (as passlm)
//==============================================================================
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"

using namespace llvm;

namespace {

enum class BreakMode { ICmp, Add, Invalid };

struct BreakCode : PassInfoMixin<BreakCode> {
  BreakMode Mode;
  explicit BreakCode(BreakMode M) : Mode(M) {}

  // The first integer add of F gets its second operand incremented.
  static bool breakAdd(Function &F) {
    for (Instruction &I : instructions(F)) {
      auto *Add = dyn_cast<BinaryOperator>(&I);
      if (!Add || Add->getOpcode() != Instruction::Add || !Add->getType()->isIntegerTy())
        continue;
      IRBuilder<> B(Add);
      Value *X = Add->getOperand(1);
      Value *Plus1 = B.CreateAdd(X, ConstantInt::get(X->getType(), 1), "passlm.break");
      Add->setOperand(1, Plus1);
      // The flags were true of the old operands; drop them so no poison appears.
      Add->setHasNoSignedWrap(false);
      Add->setHasNoUnsignedWrap(false);
      return true;
    }
    return false;
  }

  // The first icmp of F gets the inverse predicate (== becomes !=, < becomes >=).
  static bool breakICmp(Function &F) {
    for (Instruction &I : instructions(F)) {
      if (auto *Cmp = dyn_cast<ICmpInst>(&I)) {
        Cmp->setPredicate(Cmp->getInversePredicate());
        return true;
      }
    }
    return false;
  }

  // An unreachable before the entry block's terminator: a terminator in the
  // middle of a block, which the verifier rejects.
  static bool breakVerifier(Function &F) {
    Instruction *Term = F.getEntryBlock().getTerminator();
    if (!Term)
      return false;
    new UnreachableInst(F.getContext(), Term->getIterator());
    return true;
  }

  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    bool Changed = false;
    for (Function &F : M) {
      if (F.isDeclaration() || F.getName() != "main")
        continue;
      switch (Mode) {
      case BreakMode::ICmp:
        Changed |= breakICmp(F);
        break;
      case BreakMode::Add:
        Changed |= breakAdd(F);
        break;
      case BreakMode::Invalid:
        Changed |= breakVerifier(F);
        break;
      }
    }
    return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }

  // Run even on functions marked optnone (a test must not depend on -O0 attributes).
  static bool isRequired() { return true; }
};

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "passlm-test-break", LLVM_VERSION_STRING, [](PassBuilder &PB) {
            PB.registerPipelineParsingCallback(
                [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
                  if (Name == "passlm-test-break" || Name == "passlm-test-break<icmp>") {
                    MPM.addPass(BreakCode(BreakMode::ICmp));
                    return true;
                  }
                  if (Name == "passlm-test-break<add>") {
                    MPM.addPass(BreakCode(BreakMode::Add));
                    return true;
                  }
                  if (Name == "passlm-test-break<invalid>") {
                    MPM.addPass(BreakCode(BreakMode::Invalid));
                    return true;
                  }
                  return false;
                });
          }};
}
