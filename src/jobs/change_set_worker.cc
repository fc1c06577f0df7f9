#include "jobs/change_set_worker.h"

#include <spdlog/spdlog.h>

namespace amiplace {

void ChangeSetWorker::Start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void ChangeSetWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeSetWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  cv_.notify_all();
}

size_t ChangeSetWorker::RunOnce(bool recover) {
  auto claimed = store_.ClaimReady(clock_.Now(), batch_size_, recover);
  if (!claimed.ok()) {
    spdlog::error("change-set worker: claim failed: {}", claimed.status().ToString());
    return 0;
  }
  if (claimed->empty()) return 0;
  if (recover) {
    size_t redo = std::count_if(claimed->begin(), claimed->end(), [](const ChangeSet& cs) {
      return cs.status == ChangeSetStatus::kApplying;
    });
    if (redo > 0) {
      spdlog::info("change-set worker: resuming {} change set(s) left APPLYING", redo);
      retry_applying_ = true;  // there may be more than one batch of them
    }
  }
  std::vector<FinishedChangeSet> finished;
  finished.reserve(claimed->size());
  for (ChangeSet& cs : *claimed) {
    cs.status = ChangeSetStatus::kApplying;
    finished.push_back(processor_.Process(std::move(cs)));
  }
  Status st = store_.FinishChangeSets(finished);
  if (!st.ok()) {
    // The sets stay APPLYING in the store; the next pass claims them again.
    spdlog::error("change-set worker: could not record outcomes: {}", st.ToString());
    retry_applying_ = true;
    return 0;
  }
  return finished.size();
}

void ChangeSetWorker::Run() {
  bool recover = true;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      pending_ = false;
    }
    size_t n = RunOnce(recover);
    recover = retry_applying_;
    retry_applying_ = false;
    if (n > 0) continue;  // there may be more ready
    auto next = store_.NextReadyAt();
    auto wait = std::chrono::milliseconds(1000);
    if (next.ok() && next.value()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(**next - clock_.Now());
      wait = std::clamp(until, std::chrono::milliseconds(1), wait);
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stop_ || pending_; });
    if (stop_) return;
  }
}

}  // namespace amiplace
