//===- CoreModule.cpp - passlm._core: LLVM modules for Python -------------===//
//
// A thin nanobind layer over cpp/core. Each Module owns its LLVMContext, so
// different modules can be worked on from different threads at once; the GIL
// is released during parsing, pipelines and codegen, and a per-module mutex
// serializes work on one module. Errors cross as the Python exceptions of
// passlm.errors; no C++ exception is ever thrown through an LLVM frame (core
// reports errors as values and the exceptions are raised here).
//
//===----------------------------------------------------------------------===//
#include "passlm/Core.h"
#include "passlm/Search.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/set.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cerrno>
#include <fstream>
#include <mutex>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

// C++ carriers of the Python exceptions; translated in NB_MODULE below.
struct ParseFailure {
  passlm::ParseDiagnostic Diag;
};
struct VerifyFailure {
  std::string Message;
};
struct PipelineFailure {
  std::string Pipeline, Message;
};
struct CodegenFailure {
  std::string Message;
};
struct FileFailure {
  int Errno;
  std::string Path, Message;
};

std::string takeMessage(llvm::Error E) { return llvm::toString(std::move(E)); }

/// Throws the carrier of an evaluation's error (called with the GIL
/// released; the translator below raises the Python exception): a rejected
/// pipeline is a PipelineError, a result that fails the verifier or does not
/// compile a CodegenError.
[[noreturn]] void raiseEvaluationError(llvm::Error E,
                                       const std::string &Pipeline) {
  using Stage = passlm::EvaluationError::Stage;
  Stage Where = Stage::Codegen;
  std::string Message;
  llvm::handleAllErrors(
      std::move(E),
      [&](const passlm::EvaluationError &Failure) {
        Where = Failure.stage();
        Message = Failure.message();
      },
      [&](const llvm::ErrorInfoBase &Other) { Message = Other.message(); });
  if (Where == Stage::Pipeline)
    throw PipelineFailure{Pipeline, Message};
  if (Where == Stage::Verifier)
    throw CodegenFailure{"module fails the verifier: " + Message};
  throw CodegenFailure{Message};
}

class IRModule {
public:
  IRModule(std::unique_ptr<llvm::LLVMContext> Ctx,
           std::unique_ptr<llvm::Module> M,
           std::shared_ptr<passlm::SizeMemo> Memo = {})
      : Ctx(std::move(Ctx)), M(std::move(M)),
        Memo(Memo ? std::move(Memo) : std::make_shared<passlm::SizeMemo>()) {}

  static std::unique_ptr<IRModule> parse(llvm::MemoryBufferRef Buffer,
                                         bool Verify) {
    auto Ctx = std::make_unique<llvm::LLVMContext>();
    passlm::ParseDiagnostic Diag;
    std::unique_ptr<llvm::Module> M =
        passlm::parseModule(Buffer, *Ctx, Diag);
    if (!M)
      throw ParseFailure{Diag};
    if (Verify) {
      std::string Broken = passlm::verifyModule(*M);
      if (!Broken.empty())
        throw VerifyFailure{Buffer.getBufferIdentifier().str() + ": " +
                            Broken};
    }
    return std::make_unique<IRModule>(std::move(Ctx), std::move(M));
  }

  static std::unique_ptr<IRModule> fromFile(const std::string &Path,
                                            bool Verify) {
    nb::gil_scoped_release NoGIL;
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
        passlm::readModuleFile(Path);
    if (!Buffer) {
      int Errno = EIO;
      std::string Message;
      llvm::handleAllErrors(Buffer.takeError(),
                            [&](const llvm::ErrorInfoBase &E) {
                              Errno = E.convertToErrorCode().value();
                              Message = E.message();
                            });
      // OSError names the file itself.
      llvm::StringRef Why(Message);
      Why.consume_front(Path + ": ");
      throw FileFailure{Errno, Path, Why.str()};
    }
    return parse((*Buffer)->getMemBufferRef(), Verify);
  }

  static std::unique_ptr<IRModule> fromData(std::string Data,
                                            const std::string &Name,
                                            bool Verify) {
    nb::gil_scoped_release NoGIL;
    return parse(llvm::MemoryBufferRef(Data, Name), Verify);
  }

  std::string text() {
    nb::gil_scoped_release NoGIL;
    std::lock_guard<std::mutex> Lock(Mutex);
    return passlm::printModule(*M);
  }

  nb::bytes bitcode() {
    std::shared_ptr<const std::string> Bytes;
    {
      nb::gil_scoped_release NoGIL;
      Bytes = snapshot();
    }
    return nb::bytes(Bytes->data(), Bytes->size());
  }

  std::unique_ptr<IRModule> clone() {
    nb::gil_scoped_release NoGIL;
    std::shared_ptr<const std::string> Bytes = snapshot();
    auto Ctx = std::make_unique<llvm::LLVMContext>();
    passlm::ParseDiagnostic Diag;
    std::unique_ptr<llvm::Module> Copy = passlm::parseModule(
        llvm::MemoryBufferRef(*Bytes, name()), *Ctx, Diag);
    if (!Copy)
      throw CodegenFailure{"could not copy the module: " + Diag.Message};
    Copy->setModuleIdentifier(name());
    // The memo is keyed by content, so the copy may share it.
    return std::make_unique<IRModule>(std::move(Ctx), std::move(Copy), Memo);
  }

  void verify() {
    std::string Broken;
    {
      nb::gil_scoped_release NoGIL;
      std::lock_guard<std::mutex> Lock(Mutex);
      Broken = passlm::verifyModule(*M);
    }
    if (!Broken.empty())
      throw VerifyFailure{Broken};
  }

  void run(const std::string &Pipeline) {
    nb::gil_scoped_release NoGIL;
    std::lock_guard<std::mutex> Lock(Mutex);
    Snapshot.reset();
    // runPipeline parses the whole pipeline before running any of it, so a
    // bad pipeline leaves the module intact.
    if (llvm::Error E = passlm::runPipeline(*M, Pipeline))
      throw PipelineFailure{Pipeline, takeMessage(std::move(E))};
  }

  uint64_t instructionCount() {
    nb::gil_scoped_release NoGIL;
    std::lock_guard<std::mutex> Lock(Mutex);
    return passlm::countInstructions(*M);
  }

  uint64_t objectSize() { return evaluate("", true).second; }

  /// Works on a bitcode snapshot in a fresh context, without the module's
  /// lock: many threads can evaluate one module at once.
  std::pair<uint64_t, uint64_t> evaluate(const std::string &Pipeline,
                                         bool UseMemo) {
    nb::gil_scoped_release NoGIL;
    std::shared_ptr<const std::string> Bytes = snapshot();
    passlm::EvaluateOptions Options;
    Options.Memo = UseMemo ? Memo.get() : nullptr;
    llvm::Expected<passlm::Evaluation> Result = passlm::evaluateBitcode(
        llvm::MemoryBufferRef(*Bytes, "snapshot"), Pipeline, Options);
    if (!Result)
      raiseEvaluationError(Result.takeError(), Pipeline);
    return {Result->Instructions, Result->ObjectSize};
  }

  std::string hash() {
    nb::gil_scoped_release NoGIL;
    std::lock_guard<std::mutex> Lock(Mutex);
    return passlm::contentHash(*M);
  }

  std::string name() {
    std::lock_guard<std::mutex> Lock(Mutex);
    return M->getModuleIdentifier();
  }

  std::pair<uint64_t, uint64_t> memoStats() const {
    return {Memo->hits(), Memo->misses()};
  }

private:
  /// Use-list-preserving bitcode of the module as it is now, made once per
  /// change: the exact copy every clone and evaluation starts from.
  std::shared_ptr<const std::string> snapshot() {
    std::lock_guard<std::mutex> Lock(Mutex);
    if (!Snapshot)
      Snapshot = std::make_shared<const std::string>(passlm::writeBitcode(*M));
    return Snapshot;
  }

public:
  std::string triple() {
    std::lock_guard<std::mutex> Lock(Mutex);
    return M->getTargetTriple();
  }
  std::string sourceFile() {
    std::lock_guard<std::mutex> Lock(Mutex);
    return M->getSourceFileName();
  }

private:
  std::unique_ptr<llvm::LLVMContext> Ctx; // declared first: destroyed last
  std::unique_ptr<llvm::Module> M;
  std::mutex Mutex;
  std::shared_ptr<const std::string> Snapshot; // reset by run()
  std::shared_ptr<passlm::SizeMemo> Memo;       // shared with clones
};

void checkPipeline(const std::string &Pipeline) {
  std::string Message;
  {
    nb::gil_scoped_release NoGIL;
    if (llvm::Error E = passlm::checkPipeline(Pipeline))
      Message = takeMessage(std::move(E));
  }
  if (!Message.empty())
    throw PipelineFailure{Pipeline, Message};
}

/// The guard's decision (passlm::chooseByGuard) on object sizes, None for an
/// evaluation that failed: (what is kept, the winner's index or None).
std::pair<std::string, std::optional<size_t>>
chooseByGuard(std::optional<uint64_t> Baseline,
              const std::vector<std::optional<uint64_t>> &Candidates,
              bool Guard) {
  auto measured = [](std::optional<uint64_t> Size) {
    passlm::Measured M;
    M.Ok = Size.has_value();
    M.ObjectSize = Size.value_or(0);
    return M;
  };
  std::vector<passlm::Measured> Sizes;
  for (std::optional<uint64_t> Size : Candidates)
    Sizes.push_back(measured(Size));
  passlm::GuardChoice Choice =
      passlm::chooseByGuard(measured(Baseline), Sizes, Guard);
  using Kind = passlm::GuardChoice::Kind;
  switch (Choice.Choice) {
  case Kind::Candidate:
    return {"candidate", Choice.Winner};
  case Kind::BaselineSmallest:
    return {"baseline-smallest", std::nullopt};
  case Kind::NoCandidateOk:
    return {"no-candidate-ok", std::nullopt};
  case Kind::BaselineFailed:
    break;
  }
  return {"baseline-failed", std::nullopt};
}

/// The pass plugins loaded into this process, in order: an isolated
/// evaluation loads them into its child too. Used with the GIL held.
std::vector<std::string> &loadedPlugins() {
  static std::vector<std::string> Paths;
  return Paths;
}

void loadPassPlugin(const std::string &Path) {
  if (llvm::Error E = passlm::loadPassPlugin(Path))
    throw FileFailure{ENOENT, Path, takeMessage(std::move(E))};
  loadedPlugins().push_back(Path);
}

template <typename... Args>
void raisePython(const char *Name, Args &&...Arguments) {
  nb::object Class = nb::module_::import_("passlm.errors").attr(Name);
  nb::object Instance = Class(std::forward<Args>(Arguments)...);
  PyErr_SetObject(Class.ptr(), Instance.ptr());
}

} // namespace

NB_MODULE(_core, m) {
  m.doc() = "LLVM modules, pipelines and object sizes, in-process "
            "(the compiled core of passlm; use the passlm package).";

  nb::register_exception_translator([](const std::exception_ptr &P, void *) {
    try {
      std::rethrow_exception(P);
    } catch (const ParseFailure &F) {
      raisePython("IRParseError", F.Diag.Message, F.Diag.File, F.Diag.Line,
                  F.Diag.Column);
    } catch (const VerifyFailure &F) {
      raisePython("VerifierError", F.Message);
    } catch (const PipelineFailure &F) {
      raisePython("PipelineError", F.Message, F.Pipeline);
    } catch (const CodegenFailure &F) {
      raisePython("CodegenError", F.Message);
    } catch (const FileFailure &F) {
      nb::object Error = nb::module_::import_("builtins").attr("OSError");
      nb::object Instance = Error(F.Errno, F.Message, F.Path);
      PyErr_SetObject(Instance.type().ptr(), Instance.ptr());
    }
  });

  nb::class_<IRModule>(m, "Module",
                       "An LLVM module with its own context. Parse with "
                       "Module.from_file or Module.from_string.")
      .def_static("from_file", &IRModule::fromFile, "path"_a,
                  "verify"_a = true,
                  "Parse textual IR (.ll) or bitcode (.bc) from a file. "
                  "Raises IRParseError (file, line, column, message), "
                  "VerifierError, or OSError (also for what is not a regular "
                  "file, and for a file over MAX_MODULE_FILE_BYTES).")
      .def_static(
          "from_string",
          [](nb::bytes Data, const std::string &Name, bool Verify) {
            return IRModule::fromData(std::string(Data.c_str(), Data.size()),
                                      Name, Verify);
          },
          "data"_a, "name"_a = "<bytes>", "verify"_a = true,
          "Parse bitcode or textual IR held in bytes.")
      .def_static(
          "from_string",
          [](const std::string &Text, const std::string &Name, bool Verify) {
            return IRModule::fromData(Text, Name, Verify);
          },
          "text"_a, "name"_a = "<string>", "verify"_a = true,
          "Parse textual IR held in a string.")
      .def("to_text", &IRModule::text, "Textual IR, as opt -S prints it.")
      .def("__str__", &IRModule::text)
      .def("__repr__",
           [](IRModule &M) {
             return "<passlm.Module '" + M.name() + "' (" +
                    std::to_string(M.instructionCount()) + " instructions)>";
           })
      .def("to_bitcode", &IRModule::bitcode, "Bitcode bytes.")
      .def("clone", &IRModule::clone,
           "An independent copy (its own context).")
      .def("verify", &IRModule::verify,
           "Run the IR verifier; raises VerifierError with its message.")
      .def("run", &IRModule::run, "pipeline"_a,
           "Run a new-PM pipeline (opt -passes syntax) in place. Raises "
           "PipelineError with LLVM's message for a bad pipeline, leaving "
           "the module untouched.")
      .def_prop_ro("instruction_count", &IRModule::instructionCount,
                   "Instructions in all function bodies (as instcount).")
      .def("object_size", &IRModule::objectSize,
           "Berkeley text + data of the object clang -Oz's backend makes "
           "of this module, compiled in memory. The module is unchanged.")
      .def(
          "evaluate",
          [](IRModule &Self, const std::string &Pipeline, bool Memo,
             bool Isolated, std::optional<double> Timeout) {
            if (!Isolated)
              return Self.evaluate(Pipeline, Memo);
            // A child process evaluates: LLVM may abort on a pipeline that
            // parses (report_fatal_error), which nothing in-process survives.
            nb::object Evaluate =
                nb::module_::import_("passlm.pipelines.isolated")
                    .attr("evaluate_isolated");
            return nb::cast<std::pair<uint64_t, uint64_t>>(
                Evaluate(Self.bitcode(), Pipeline, Timeout, loadedPlugins()));
          },
          "pipeline"_a, "memo"_a = true, nb::kw_only(), "isolated"_a = false,
          "timeout"_a = nb::none(),
          "(instruction_count, object_size) after pipeline, on a copy: "
          "the module is unchanged. An empty pipeline evaluates as is. "
          "With memo, codegen is skipped when the optimized IR is "
          "identical to one measured before (same object, by construction). "
          "With isolated, the evaluation runs in a child process, with the "
          "pass plugins loaded here (the memo is not used): an LLVM abort raises PipelineCrash with LLVM's "
          "message instead of ending this process, and so does a child "
          "still running after timeout seconds (None: no limit). Other "
          "errors are raised as in-process.")
      .def_prop_ro("memo_stats", &IRModule::memoStats,
                   "(hits, misses) of the object-size memo.")
      .def_prop_ro("hash", &IRModule::hash,
                   "SHA-256 of the IR, ignoring module id and source name.")
      .def_prop_ro("name", &IRModule::name, "The module identifier.")
      .def_prop_ro("triple", &IRModule::triple, "The target triple.")
      .def_prop_ro("source_file", &IRModule::sourceFile,
                   "The source_filename of the module.");

  m.def("check_pipeline", &checkPipeline, "pipeline"_a,
        "Parse a pipeline without running it; raises PipelineError.");
  m.def(
      "pass_names",
      []() {
        nb::gil_scoped_release NoGIL;
        return passlm::knownPassNames();
      },
      "Pass names the linked LLVM knows, by level (module, cgscc, "
      "function, loop).");
  m.def("choose_by_guard", &chooseByGuard, "baseline"_a, "candidates"_a,
        "guard"_a = true,
        "What the plugin's guard keeps, from object sizes (None: that "
        "evaluation failed), candidates in the engine's order. Returns "
        "(kind, index): ('candidate', i) when candidates[i] wins (guard on: "
        "the smallest, strictly smaller than baseline, ties to the earlier; "
        "guard off: the first that did not fail); else (kind, None) with "
        "kind 'baseline-smallest' (no candidate is smaller: -Oz), "
        "'no-candidate-ok' (all failed, or none) or 'baseline-failed' (-Oz "
        "failed: kept unmeasured, nothing compared). Rules: "
        "passlm::chooseByGuard in Core.h.");
  // The search after the guard (passlm/Search.h): the plugin's generator.
  m.def(
      "split_pipeline_elements",
      [](const std::string &Pipeline) {
        return passlm::splitPipelineElements(Pipeline);
      },
      "pipeline"_a,
        "Top-level elements of a pipeline: commas outside () and <> "
        "(as passlm.pipelines.space.split_elements).");
  m.def(
      "search_seed",
      [](const std::string &Hash) { return passlm::searchSeed(Hash); },
      "content_hash"_a,
        "The seed of a module's search from its Module.hash, as the plugin "
        "derives it.");
  m.def(
      "propose_mutation",
      [](const std::vector<std::string> &Ranked, const std::string &Best,
         uint64_t Seed, const std::set<std::string> &Measured) {
        return passlm::proposeMutation(Ranked, Best, Seed, Measured);
      },
      "ranked"_a, "best"_a, "seed"_a, "measured"_a,
      "One mutation of best (insert, delete, replace, swap, splice with the "
      "ranked candidates' elements, higher ranks more often), never one of "
      "measured nor a nondeterministic pipeline; None when none is found. "
      "Pure: the same arguments give the same answer. Rules: "
      "passlm::proposeMutation in Search.h.");
  nb::class_<passlm::HillClimb>(
      m, "HillClimb",
      "One module's search after the guard, as the plugin runs it: propose() "
      "the next mutation of the best, record() its measured size (None: it "
      "failed); the best changes only for a strictly smaller size.")
      .def(nb::init<std::vector<std::string>, std::string, uint64_t,
                    std::vector<std::string>, uint64_t>(),
           "ranked"_a, "best"_a, "best_size"_a, "measured"_a, "seed"_a)
      .def("propose", &passlm::HillClimb::propose,
           "The next pipeline to measure, or None when none is left.")
      .def(
          "record",
          [](passlm::HillClimb &Self, const std::string &Pipeline,
             std::optional<uint64_t> Size) {
            return Self.record(Pipeline, Size);
          },
          "pipeline"_a, "size"_a.none(),
           "A measured result; True when it became the best.")
      .def_prop_ro("best", &passlm::HillClimb::best)
      .def_prop_ro("best_size", &passlm::HillClimb::bestSize)
      .def_prop_ro("trials", &passlm::HillClimb::trials)
      .def_prop_ro("failures", &passlm::HillClimb::failures)
      .def_prop_ro("improvements", &passlm::HillClimb::improvements);
  m.attr("NONDETERMINISTIC_PASSES") = nb::cast([] {
    std::vector<std::string> Names;
    for (const char *Name : passlm::NondeterministicPasses)
      Names.push_back(Name);
    return Names;
  }());
  m.def("load_pass_plugin", &loadPassPlugin, "path"_a,
        "Load an LLVM pass plugin; later pipelines may name its passes.");
  m.attr("LLVM_VERSION") = LLVM_VERSION_STRING;
  m.attr("MAX_MODULE_FILE_BYTES") = passlm::MaxModuleFileBytes;
}
