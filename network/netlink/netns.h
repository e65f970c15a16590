// Network namespaces: persistent ones bind-mounted on a file (as `ip netns` does, but under berth's
// run root), and ways to run code inside one without moving the calling thread.
#pragma once

#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

namespace berth::network::netlink {

// An owned, persistent network namespace. Removed (unmounted, file deleted) when the object dies,
// unless release() was called: then it outlives this process until remove() is called.
class Netns {
 public:
  // A new, empty namespace bound at paths::run_root()/netns/<name>. Throws when one is there.
  static Netns create(const std::string& name);
  // The path a namespace called `name` has (whether or not it exists).
  static std::filesystem::path path_for(const std::string& name);
  // Unmounts and deletes a namespace file; nothing happens when it is not there.
  static void remove(const std::filesystem::path& path);

  ~Netns();
  Netns(Netns&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  Netns& operator=(Netns&&) = delete;
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path release() { return std::exchange(path_, {}); }

 private:
  explicit Netns(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Moves the calling thread into a namespace and back again when destroyed.
class NetnsGuard {
 public:
  explicit NetnsGuard(const std::filesystem::path& netns);
  ~NetnsGuard();
  NetnsGuard(const NetnsGuard&) = delete;
  NetnsGuard& operator=(const NetnsGuard&) = delete;

 private:
  int original_ = -1;
};

// Runs `fn` on a new thread that has joined `netns`; returns its result or rethrows its exception.
// The calling thread never changes namespace, so nothing else in the process is affected.
template <class F>
auto run_in_netns(const std::filesystem::path& netns, F fn) -> decltype(fn()) {
  using R = decltype(fn());
  std::exception_ptr error;
  std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
  std::thread worker([&] {
    try {
      NetnsGuard guard(netns);
      if constexpr (std::is_void_v<R>)
        fn();
      else
        result.emplace(fn());
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<R>) return std::move(*result);
}

}  // namespace berth::network::netlink
