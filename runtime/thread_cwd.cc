#include "runtime/thread_cwd.h"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>

#include "util/error.h"

namespace berth::runtime {

void run_in_directory(const std::filesystem::path& dir, const std::function<void()>& fn) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      if (::unshare(CLONE_FS) != 0)
        throw Error(std::string("cannot give a thread its own working directory: ") +
                    std::strerror(errno));
      if (::chdir(dir.c_str()) != 0)
        throw Error("cannot enter " + dir.string() + ": " + std::strerror(errno));
      ::umask(022);
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace berth::runtime
