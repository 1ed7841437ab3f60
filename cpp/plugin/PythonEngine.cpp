//===- PythonEngine.cpp - libpython and the bridge, loaded on first use ----===//
//
// The plugin does not link libpython (wheel tools strip it, and opt/clang do
// not have it). On first use: if the process already runs Python (the _core
// extension ran the pass), use it; otherwise dlopen the libpython of the
// chosen interpreter with RTLD_GLOBAL. Then dlopen the bridge library that
// sits next to this plugin and start it. What crosses it is Messages.h's.
//
//===----------------------------------------------------------------------===//
#include "PythonEngine.h"

#include "ForkGate.h"
#include "Messages.h"
#include "PythonLocation.h"
#include "passlm_bridge.h"

#include "llvm/Support/raw_ostream.h"

#include <condition_variable>
#include <cstdio>
#include <dlfcn.h>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

using namespace llvm;

namespace passlm {
namespace {

struct Bridge {
  passlm_bridge_call_fn Call = nullptr;
  passlm_bridge_free_fn Free = nullptr;
  std::string Error; // why the bridge is unavailable
};

std::string directoryOfThisLibrary() {
  Dl_info Info;
  if (!dladdr(reinterpret_cast<void *>(&directoryOfThisLibrary), &Info) ||
      !Info.dli_fname)
    return ".";
  std::string Path = Info.dli_fname;
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? "." : Path.substr(0, Slash);
}

std::string shellQuote(const std::string &Text) {
  std::string Quoted = "'";
  for (char C : Text)
    Quoted += C == '\'' ? std::string("'\\''") : std::string(1, C);
  return Quoted + "'";
}

/// The shared libpython of another interpreter (PASSLM_PYTHON), by asking it.
std::string libpythonOf(const std::string &Executable) {
  std::string Command =
      shellQuote(Executable) +
      " -I -c 'import os,sysconfig as s;"
      "print(os.path.join(s.get_config_var(\"LIBDIR\") or \"\","
      "s.get_config_var(\"INSTSONAME\") or \"\"))' 2>/dev/null";
  std::string Output;
  if (FILE *Pipe = popen(Command.c_str(), "r")) {
    char Buffer[4096];
    while (fgets(Buffer, sizeof Buffer, Pipe))
      Output += Buffer;
    pclose(Pipe);
  }
  while (!Output.empty() && (Output.back() == '\n' || Output.back() == '\r'))
    Output.pop_back();
  return Output;
}

bool pythonAlreadyRunning() {
  using IsInitializedFn = int (*)();
  auto IsInitialized =
      reinterpret_cast<IsInitializedFn>(dlsym(RTLD_DEFAULT, "Py_IsInitialized"));
  return IsInitialized && IsInitialized();
}

Bridge loadBridge(const Options &O) {
  Bridge B;
  PythonLocation Found = O.Python.empty() ? installedPython() : PythonLocation{O.Python};
  std::string Executable = Found.Executable;
  if (!pythonAlreadyRunning()) {
    if (!Found.Error.empty()) {
      B.Error = "cannot find the Python passlm was installed with: " + Found.Error;
      return B;
    }
    std::string LibPython =
        Found.LibPython.empty() ? libpythonOf(Executable) : Found.LibPython;
    if (LibPython.empty()) {
      B.Error = "cannot find the shared libpython of " + Executable;
      return B;
    }
    if (!dlopen(LibPython.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
      B.Error = std::string("cannot load libpython: ") + dlerror();
      return B;
    }
  }
  std::string Path = directoryOfThisLibrary() + "/" PASSLM_BRIDGE_NAME;
  void *Library = dlopen(Path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!Library) {
    B.Error = std::string("cannot load the bridge: ") + dlerror();
    return B;
  }
  auto Start = reinterpret_cast<passlm_bridge_start_fn>(
      dlsym(Library, "passlm_bridge_start"));
  B.Call = reinterpret_cast<passlm_bridge_call_fn>(
      dlsym(Library, "passlm_bridge_call"));
  B.Free = reinterpret_cast<passlm_bridge_free_fn>(
      dlsym(Library, "passlm_bridge_free"));
  if (!Start || !B.Call || !B.Free) {
    B.Call = nullptr;
    B.Error = "the bridge " + Path + " lacks its entry points";
    return B;
  }
  char *Error = nullptr;
  if (Start(Path.c_str(), Executable.c_str(), &Error)) {
    B.Call = nullptr;
    B.Error = Error ? Error : "the bridge did not start";
    B.Free(Error);
  }
  return B;
}

const Bridge &bridge(const Options &O) {
  static std::once_flag Once;
  static Bridge *Loaded = nullptr; // never destroyed: Python is never finalized
  std::call_once(Once, [&] {
    ForkGate::instance().enterPython();
    Loaded = new Bridge(loadBridge(O));
    ForkGate::instance().leavePython();
  });
  return *Loaded;
}

/// Runs the bridge call on a helper thread so that a hung engine cannot stall
/// the build past the timeout. A call that answers in time has its thread
/// joined: no helper thread may still be exiting (Python releasing its
/// thread state, thread-local destructors) when the compiler forks a trial
/// or exits, which crashed clang now and then (SIGSEGV at exit right after a
/// last bridge call). A call that times out is abandoned: its thread is
/// detached and finishes or dies with the process.
bool callWithTimeout(const Bridge &B, const std::string &Request,
                     unsigned TimeoutMs, std::string &Response) {
  struct Shared {
    std::mutex Mutex;
    std::condition_variable Done;
    bool Finished = false;
    bool Abandoned = false; // the waiter gave up and left the gate for us
    int Status = 1;
    std::string Text;
  };
  auto State = std::make_shared<Shared>();
  passlm_bridge_call_fn Call = B.Call;
  passlm_bridge_free_fn Free = B.Free;
  ForkGate::instance().enterPython();
  std::thread Helper([State, Call, Free, Request] {
    char *Answer = nullptr;
    int Status = Call(Request.c_str(), &Answer);
    std::lock_guard<std::mutex> Lock(State->Mutex);
    if (!State->Abandoned)
      ForkGate::instance().leavePython();
    State->Status = Status;
    State->Text = Answer ? Answer : "";
    Free(Answer);
    State->Finished = true;
    State->Done.notify_all();
  });
  std::unique_lock<std::mutex> Lock(State->Mutex);
  if (!State->Done.wait_for(Lock, std::chrono::milliseconds(TimeoutMs),
                            [&] { return State->Finished; })) {
    // A hung engine is most likely stuck in Python code, not in the loader:
    // let forks go on rather than stall every later module.
    State->Abandoned = true;
    ForkGate::instance().leavePython();
    Lock.unlock();
    Helper.detach();
    Response = "the engine did not answer within " +
               std::to_string(TimeoutMs) + " ms";
    return false;
  }
  Response = State->Text;
  bool Ok = State->Status == 0;
  Lock.unlock();
  Helper.join(); // it has answered: only its exit is left
  return Ok;
}

/// What each engine spec reads, from its last predict reply. Never
/// destroyed, like Python.
struct NeedsCache {
  std::mutex Mutex;
  std::map<std::string, EngineNeeds> Known;
};

NeedsCache &needsCache() {
  static NeedsCache *Cache = new NeedsCache;
  return *Cache;
}

} // namespace

EngineNeeds engineNeeds(const Options &O) {
  NeedsCache &Cache = needsCache();
  std::lock_guard<std::mutex> Lock(Cache.Mutex);
  auto It = Cache.Known.find(O.Engine);
  return It == Cache.Known.end() ? EngineNeeds() : It->second;
}

EngineAnswer askEngine(const Options &O, const ModuleFacts &Facts,
                       const std::string &IR, BridgeRoute Route) {
  EngineAnswer Answer;
  const Bridge &B = bridge(O);
  if (!B.Call) {
    Answer.Error = B.Error;
    return Answer;
  }
  PredictRequest Request{O.Engine, O.K, O.choiceMode(), Facts, IR};
  // passlm.bridge.IN_PROCESS: a first line that keeps the request off a server.
  std::string Text = Route == BridgeRoute::InProcess ? "in-process\n" : "";
  Text += writeMessage(toJSON(Request));
  std::string Response;
  if (!callWithTimeout(B, Text, O.TimeoutMs, Response)) {
    Answer.Error = Response.empty() ? "the engine failed" : Response;
    return Answer;
  }
  Expected<PredictReply> Reply = readPredictReply(Response);
  if (!Reply) {
    Answer.Error = toString(Reply.takeError());
    return Answer;
  }
  if (Route == BridgeRoute::AsConfigured) { // in-process needs are not a server's
    NeedsCache &Cache = needsCache();
    std::lock_guard<std::mutex> Lock(Cache.Mutex);
    Cache.Known[O.Engine] = Reply->Needs;
  }
  for (const Candidate &C : Reply->Candidates) {
    StringRef Pipeline = StringRef(C.Pipeline).trim();
    if (!Pipeline.empty())
      Answer.Pipelines.push_back(Pipeline.str());
  }
  Answer.Known = Reply->Known;
  return Answer;
}

void recordVerdict(const Options &O, const std::string &Hash,
                   const std::vector<std::string> &Candidates, const Verdict &V) {
  const Bridge &B = bridge(O);
  if (!B.Call || Hash.empty())
    return;
  VerdictRequest Request{O.Engine, Hash, O.choiceMode(), Candidates, V};
  std::string Response;
  callWithTimeout(B, writeMessage(toJSON(Request)), O.TimeoutMs, Response);
}

} // namespace passlm
