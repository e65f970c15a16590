#include "tests/support/registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace berth::test {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

LocalRegistry::LocalRegistry(const std::string& user, const std::string& password, const std::string& auth_yaml) {
  address_ = "127.0.0.1:" + std::to_string(free_port());
  std::string config = "version: 0.1\nlog:\n  level: info\n  formatter: text\nstorage:\n  filesystem:\n"
                       "    rootdirectory: " + storage().string() + "\n  delete:\n    enabled: true\n"
                       "http:\n  addr: " + address_ + "\n";
  if (!auth_yaml.empty()) {
    config += auth_yaml;
  } else if (!user.empty()) {
    auto htpasswd = dir_.path() / "htpasswd";
    std::string cmd = "htpasswd -Bbn '" + user + "' '" + password + "' > " + htpasswd.string();
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("htpasswd failed (apache2-utils installed?)");
    config += "auth:\n  htpasswd:\n    realm: berth-test\n    path: " + htpasswd.string() + "\n";
  }
  auto config_path = dir_.write("config.yml", config);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config_path.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  log_fd_ = pipe_fds[0];
  // Wait for the line that says it listens (the registry's own event), at most 20 s.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{log_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::read(log_fd_, buf, sizeof buf);
    if (n <= 0) break;
    log_.append(buf, static_cast<size_t>(n));
    if (log_.find("listening on") != std::string::npos) {
      drain_ = std::thread([this] {
        char b[4096];
        ssize_t m;
        while ((m = ::read(log_fd_, b, sizeof b)) > 0) {
          std::lock_guard lock(log_mutex_);
          log_.append(b, static_cast<size_t>(m));
        }
      });
      return;
    }
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  ::close(log_fd_);
  throw std::runtime_error("docker-registry did not start: " + log_);
}

LocalRegistry::~LocalRegistry() {
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  if (drain_.joinable()) drain_.join();  // the pipe closes with the process
  ::close(log_fd_);
}

std::string LocalRegistry::log() const {
  std::lock_guard lock(log_mutex_);
  return log_;
}

}  // namespace berth::test
