// The change-set worker: takes PREPARING change sets whose processing delay has passed, moves
// them to APPLYING, processes them, and writes each outcome with its entities in one
// transaction. Sets left APPLYING by a crash are redone once at start: since an outcome and its
// entity writes commit together, each set is applied exactly once. Runs on its own thread;
// Start/Stop/Notify are thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/change_set_processor.h"
#include "app/ports.h"

namespace amiplace {

class ChangeSetWorker {
 public:
  ChangeSetWorker(Store& store, const Clock& clock, ChangeSetProcessor& processor,
                  int batch_size = 256)
      : store_(store), clock_(clock), processor_(processor), batch_size_(batch_size) {}
  ~ChangeSetWorker() { Stop(); }

  void Start();
  // Finishes the batch in hand and stops; sets not yet claimed stay PREPARING in the store.
  void Stop();
  // Wakes the worker: a change set was submitted.
  void Notify();

 private:
  void Run();
  // Processes one batch; returns how many sets it finished.
  size_t RunOnce(bool recover);

  Store& store_;
  const Clock& clock_;
  ChangeSetProcessor& processor_;
  const int batch_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool pending_ = false;
  bool retry_applying_ = false;  // worker thread only
  std::thread thread_;
};

}  // namespace amiplace
