#include "tests/support/compose_project.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include <gtest/gtest.h>


namespace berth::test {

namespace {

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string drain(int fd) {
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

const std::filesystem::path& busybox_rootfs() {
  static TempDir dir;
  static std::filesystem::path rootfs = [] {
    std::filesystem::path p = dir.path() / "rootfs";
    std::string cmd = std::string(BERTH_SOURCE_DIR) + "/scripts/make-busybox-rootfs.sh " + p.string();
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make-busybox-rootfs.sh failed");
    return p;
  }();
  return rootfs;
}

ComposeProject::ComposeProject(const std::string& compose_yaml) {
  // berth-test-XXXXXX: the project is "bt" and the six characters, lower case.
  name_ = "bt" + lowercase(dir_.path().filename().string().substr(11));
  rewrite(compose_yaml);
  Result r = raw({"image", "import", busybox_rootfs().string(), "busybox", "--change", R"(CMD ["sh"])"});
  if (r.exit_code != 0) throw std::runtime_error("berth image import failed: " + r.err);
}

ComposeProject::~ComposeProject() {
  Result r = (*this)({"down", "-v", "--remove-orphans", "-t", "0"});
  if (r.exit_code != 0) ADD_FAILURE() << "down failed: " << r.err;
  Result left = raw({"ls", "-a", "-q"});
  if (!left.out.empty()) ADD_FAILURE() << "containers left after down: " << left.out;
}

std::map<std::string, std::string> ComposeProject::env() const {
  return {{"BERTH_ROOT", (dir() / "state").string()}, {"BERTH_RUN_ROOT", (dir() / "run").string()}};
}

void ComposeProject::rewrite(const std::string& compose_yaml) const { dir_.write("compose.yaml", compose_yaml); }

std::vector<std::string> ComposeProject::args(const std::vector<std::string>& args) const {
  std::vector<std::string> all{"-f", (dir() / "compose.yaml").string(), "-p", name_, "--progress", "plain"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

Result ComposeProject::operator()(const std::vector<std::string>& a) const {
  return run_berth(args(a), dir().string(), env());
}

Result ComposeProject::raw(const std::vector<std::string>& a) const { return run_berth(a, dir().string(), env()); }

std::vector<std::pair<std::string, std::string>> ComposeProject::states() const {
  Result r = (*this)({"ps", "-a", "--format", "json"});
  std::vector<std::pair<std::string, std::string>> out;
  if (r.exit_code != 0) {
    ADD_FAILURE() << "ps failed: " << r.err;
    return out;
  }
  for (const auto& c : nlohmann::json::parse(r.out)) out.emplace_back(c["Name"], c["State"]);
  return out;
}

Background::Background(const std::vector<std::string>& args, const std::string& cwd,
                       const std::map<std::string, std::string>& env) {
  char out_path[] = "/tmp/berth-test-out-XXXXXX";
  out_fd_ = ::mkstemp(out_path);
  ::unlink(out_path);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  err_fd_ = pipe_fds[0];

  BerthCommand command(args, env);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out_fd_, 1);
    ::dup2(pipe_fds[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(BERTH_BINARY, command.argv(), command.envp());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
}

Background::~Background() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::close(out_fd_);
  ::close(err_fd_);
}

bool Background::wait_for_stderr(const std::string& text, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (err_.find(text) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{err_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(err_fd_, buf, sizeof buf);
    if (n <= 0) return err_.find(text) != std::string::npos;
    err_.append(buf, static_cast<size_t>(n));
  }
  return true;
}

void Background::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

Result Background::finish(int seconds) {
  Result r;
  // stderr is read to its end (the process closing it) within the time allowed.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid_, SIGKILL);
      break;
    }
    pollfd p{err_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(err_fd_, buf, sizeof buf);
    if (n <= 0) break;
    err_.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out_fd_, 0, SEEK_SET);
  r.out = drain(out_fd_);
  r.err = err_;
  return r;
}

}  // namespace berth::test
