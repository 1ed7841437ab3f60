//===- Isolation.h - trying a pipeline in a forked child ------------------===//
//
// Some pipelines parse and then abort the whole process at run time
// (report_fatal_error, assertions, crashes); nothing in-process can catch
// that, and a compiler must not die for a bad guess. So each candidate is
// first run in a fork()ed copy of the compiler: the child runs it on its own
// copy of the module, verifies, measures, reports through a pipe and exits.
// The parent kills a child that overruns its time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"

#include <cstdint>
#include <string>

namespace passlm {

struct Trial {
  bool Ok = false;
  uint64_t Instructions = 0;
  uint64_t ObjectSize = 0; // 0 unless measured
  std::string Error;       // one line, when !Ok
};

/// Evaluates Pipeline on a copy of M in a child process (passlm::evaluate:
/// runs, verifies and, when MeasureSize, measures its object size, as the
/// _core extension does). M is not modified.
Trial tryInChild(const llvm::Module &M, llvm::StringRef Pipeline,
                 bool MeasureSize, unsigned TimeoutMs);

} // namespace passlm
