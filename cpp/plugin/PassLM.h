//===- PassLM.h - the passlm pass: ask the engine, validate, guard, apply --===//
#pragma once

#include "Options.h"

#include "llvm/IR/PassManager.h"

#include <atomic>
#include <memory>

namespace passlm {

/// Optimizes a module with the pipeline chosen for it: candidates from the
/// engine (a server asked directly, ServerClient.h, or the embedded Python
/// bridge), each tried in a child process (parses, runs, verifies); with the
/// guard on, the smallest object among them and default<Oz> wins, ties to
/// -Oz. The winner's trial made the optimized module already: the compiler
/// adopts it rather than run the pipeline again. Any failure falls back to
/// default<Oz> with one warning line (an error under strict mode). Never
/// throws.
class PassLMPass : public llvm::PassInfoMixin<PassLMPass> {
public:
  /// When VetoLaterPasses is given (clang's -Oz pipeline), it is set once the
  /// module has been optimized, so that the registration vetoes the optional
  /// passes of the default pipeline that follow.
  explicit PassLMPass(Options Opts,
                      std::shared_ptr<std::atomic<bool>> VetoLaterPasses = {})
      : Opts(std::move(Opts)), VetoLaterPasses(std::move(VetoLaterPasses)) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  Options Opts;
  std::shared_ptr<std::atomic<bool>> VetoLaterPasses;
};

/// True while this thread is inside PassLMPass::run: a candidate such as
/// default<Oz> re-invokes the plugin's own callbacks, which must stand aside.
bool insidePassLM();

} // namespace passlm
