//===- Pipeline.cpp - target machines and new-PM pipelines, as opt runs them =//
#include "passlm/Core.h"

#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>
#include <pthread.h>
#include <optional>
#include <shared_mutex>

using namespace llvm;

namespace passlm {

void initializeTargets() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    // All targets, not just the native one: modules made for another
    // triple are measured for that triple, as llc would.
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    InitializeAllAsmParsers();
  });
}

static std::string tripleOf(const Module &M) {
  return M.getTargetTriple().empty() ? sys::getDefaultTargetTriple()
                                     : M.getTargetTriple();
}

Expected<TargetMachine *> targetMachineFor(const Module &M) {
  // A TargetMachine is not safe to share between concurrent codegens, and
  // building one costs more than a small module's pipeline: one per thread
  // and triple. CPU and features stay empty: clang records them per function
  // ("target-cpu"), which is what llc and clang's backend use too.
  thread_local std::map<std::string, std::unique_ptr<TargetMachine>> Cache;
  std::string Triple = tripleOf(M);
  auto It = Cache.find(Triple);
  if (It != Cache.end())
    return It->second.get();

  initializeTargets();
  std::string Error;
  const Target *T = TargetRegistry::lookupTarget(Triple, Error);
  if (!T)
    return createStringError(inconvertibleErrorCode(),
                             "no target for triple '" + Triple + "': " + Error);
  TargetOptions Options;
  Options.UseInitArray = true; // as llc and clang do on ELF
  std::unique_ptr<TargetMachine> TM(T->createTargetMachine(
      Triple, "", "", Options, Reloc::PIC_, std::nullopt,
      CodeGenOptLevel::Default));
  if (!TM)
    return createStringError(inconvertibleErrorCode(),
                             "cannot create a target machine for " + Triple);
  TargetMachine *Raw = TM.get();
  Cache.emplace(Triple, std::move(TM));
  return Raw;
}

// Pass plugins loaded into this process through loadPassPlugin: every
// PassBuilder made here offers their passes too (e.g. -passes=passlm).
static std::mutex PluginsMutex;
static std::vector<PassPlugin> &loadedPlugins() {
  static std::vector<PassPlugin> Plugins;
  return Plugins;
}

Error loadPassPlugin(StringRef Path) {
  Expected<PassPlugin> Plugin = PassPlugin::Load(Path.str());
  if (!Plugin)
    return Plugin.takeError();
  std::lock_guard<std::mutex> Lock(PluginsMutex);
  loadedPlugins().push_back(*Plugin);
  return Error::success();
}

namespace {
/// The lock of pipeline setup sections (Core.h): shared by each section,
/// exclusive from fork's prepare handler to its parent handler; the child
/// gets a fresh one (it has a single thread; the old copy stays held).
std::shared_mutex *SetupMutex = nullptr;

std::shared_mutex &pipelineSetupMutex() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    SetupMutex = new std::shared_mutex; // never destroyed: threads outlive statics
    pthread_atfork([] { SetupMutex->lock(); }, [] { SetupMutex->unlock(); },
                   [] { SetupMutex = new std::shared_mutex; });
  });
  return *SetupMutex;
}

/// A shared section of pipeline setup or teardown.
class SetupSection {
public:
  SetupSection() : Mutex(pipelineSetupMutex()) { Mutex.lock_shared(); }
  ~SetupSection() { Mutex.unlock_shared(); }

private:
  std::shared_mutex &Mutex;
};
} // namespace

namespace {
/// A PassBuilder with its analysis managers wired as opt wires them.
struct PipelineRunner {
  LoopAnalysisManager LAM;
  FunctionAnalysisManager FAM;
  CGSCCAnalysisManager CGAM;
  ModuleAnalysisManager MAM;
  PassInstrumentationCallbacks PIC;
  StandardInstrumentations SI;
  PassBuilder PB;

  PipelineRunner(LLVMContext &Ctx, TargetMachine *TM)
      : SI(Ctx, /*DebugLogging=*/false), PB(TM, PipelineTuningOptions(),
                                            std::nullopt, &PIC) {
    SI.registerCallbacks(PIC, &MAM);
    {
      std::lock_guard<std::mutex> Lock(PluginsMutex);
      for (PassPlugin &Plugin : loadedPlugins())
        Plugin.registerPassBuilderCallbacks(PB);
    }
    PB.registerModuleAnalyses(MAM);
    PB.registerCGSCCAnalyses(CGAM);
    PB.registerFunctionAnalyses(FAM);
    PB.registerLoopAnalyses(LAM);
    PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
  }
};
} // namespace

Error runPipeline(Module &M, StringRef Pipeline) {
  Expected<TargetMachine *> TM = targetMachineFor(M);
  if (!TM)
    return TM.takeError();
  std::optional<PipelineRunner> Runner;
  std::optional<ModulePassManager> MPM;
  auto SetUp = [&]() -> Error {
    SetupSection Setup;
    Runner.emplace(M.getContext(), *TM);
    MPM.emplace();
    return Runner->PB.parsePassPipeline(*MPM, Pipeline);
  };
  Error Parsed = SetUp();
  if (!Parsed)
    MPM->run(M, Runner->MAM);
  SetupSection Teardown;
  MPM.reset();
  Runner.reset();
  return Parsed;
}

Error checkPipeline(StringRef Pipeline) {
  SetupSection Setup;
  LLVMContext Ctx;
  PipelineRunner Runner(Ctx, nullptr);
  ModulePassManager MPM;
  return Runner.PB.parsePassPipeline(MPM, Pipeline);
}

} // namespace passlm
