//===- ForkGate.h - no fork() while another thread is inside Python -------===//
//
// fork() copies only the calling thread. If another thread holds a lock at
// that moment, the child inherits it locked forever. Python calls are where
// our own threads take the loader's lock (dlopen of libpython and of
// extension modules) that the child then needs (a thread_local with a
// destructor registers itself under that lock). So Python calls are entered
// through this gate, and a fork waits until none is in progress.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace passlm {

class ForkGate {
public:
  static ForkGate &instance() {
    static ForkGate *Gate = new ForkGate; // never destroyed: threads outlive statics
    return *Gate;
  }

  /// Around a Python call.
  void enterPython() {
    std::unique_lock<std::mutex> Lock(Mutex);
    Changed.wait(Lock, [&] { return !Forking; });
    ++InPython;
  }
  void leavePython() {
    std::lock_guard<std::mutex> Lock(Mutex);
    --InPython;
    Changed.notify_all();
  }

  /// Around fork() itself (not the child's life). False if Python stayed busy
  /// for TimeoutMs.
  bool beginFork(unsigned TimeoutMs) {
    std::unique_lock<std::mutex> Lock(Mutex);
    if (!Changed.wait_for(Lock, std::chrono::milliseconds(TimeoutMs),
                          [&] { return InPython == 0 && !Forking; }))
      return false;
    Forking = true;
    return true;
  }
  void endFork() {
    std::lock_guard<std::mutex> Lock(Mutex);
    Forking = false;
    Changed.notify_all();
  }

private:
  std::mutex Mutex;
  std::condition_variable Changed;
  int InPython = 0;
  bool Forking = false;
};

} // namespace passlm
