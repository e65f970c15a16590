// Ctrl-C and SIGTERM for verbs that stay attached to containers (attach, run, logs -f): the
// signals are blocked for the object's life and handed to a callback on a thread of its own, so
// the verb decides what they mean (stop the container, forward the signal, ...).
#pragma once

#include <functional>
#include <thread>

namespace berth::cli {

class Interrupts {
 public:
  // `on_signal` gets the signal and how many have come so far (1 for the first). Construct it
  // before starting other threads: they inherit the blocked mask.
  explicit Interrupts(std::function<void(int signal, int count)> on_signal);
  ~Interrupts();
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

 private:
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace berth::cli
