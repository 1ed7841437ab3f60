//===- Registration.cpp - how opt and clang find the passlm pass ----------===//
//
// USAGE:
//   opt-19 -load-pass-plugin=$(passlm plugin-path) -passes=passlm in.ll -o out.bc
//   clang-19 -Oz -fpass-plugin=$(passlm plugin-path) -c x.c
//
// opt: -passes=passlm / passlm<params> (see Options.h).
// clang at -Oz: the pass is added at PipelineStart and, once it has run,
// every later optional pass of the default pipeline is vetoed, so the chosen
// pipeline replaces the middle end; required passes and codegen still run.
// Other optimization levels are left alone.
//
//===----------------------------------------------------------------------===//
#include "PassLM.h"

#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace passlm;

static Options environmentOptions() {
  std::string Problems;
  Options O = Options::fromEnvironment(Problems);
  // One "passlm: warning: ..." line per bad variable, once per process
  // (opt reads the environment each time it parses the pipeline).
  static std::atomic<bool> Reported{false};
  if (!Problems.empty() && !Reported.exchange(true))
    errs() << Problems;
  return O;
}

static void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        if (!PassBuilder::checkParametrizedPassName(Name, "passlm"))
          return false;
        Options O = environmentOptions();
        StringRef Params = Name.drop_front(strlen("passlm"));
        if (Params.consume_front("<") && Params.consume_back(">")) {
          if (Error E = O.applyParameters(Params)) {
            errs() << "passlm: error: " << toString(std::move(E)) << "\n";
            return false; // opt then reports the element as unknown
          }
        }
        MPM.addPass(PassLMPass(std::move(O)));
        return true;
      });

  // One flag per PassBuilder: clang makes one per compilation, lld one per
  // LTO backend task.
  auto Veto = std::make_shared<std::atomic<bool>>(false);
  PB.registerPipelineStartEPCallback(
      [Veto](ModulePassManager &MPM, OptimizationLevel Level) {
        if (Level != OptimizationLevel::Oz || insidePassLM())
          return;
        MPM.addPass(PassLMPass(environmentOptions(), Veto));
      });
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks())
    PIC->registerShouldRunOptionalPassCallback(
        [Veto](StringRef, Any) { return !Veto->load() || insidePassLM(); });
}

extern "C" LLVM_ATTRIBUTE_WEAK __attribute__((visibility("default")))
PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "passlm", PASSLM_VERSION, registerCallbacks};
}
