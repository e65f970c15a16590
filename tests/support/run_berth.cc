#include "tests/support/run_berth.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace berth::test {

BerthCommand::BerthCommand(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env)
    : args_(args) {
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!env.count(kv.substr(0, kv.find('=')))) envs_.push_back(kv);
  }
  for (const auto& [k, v] : env) envs_.push_back(k + "=" + v);
  argv_.push_back(const_cast<char*>(BERTH_BINARY));
  for (auto& a : args_) argv_.push_back(a.data());
  argv_.push_back(nullptr);
  for (auto& e : envs_) envp_.push_back(e.data());
  envp_.push_back(nullptr);
}

namespace {
std::string drain(int fd) {
  std::string out;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}
}  // namespace

namespace {
Result run(const std::string* input, const std::vector<std::string>& args, const std::string& cwd,
           const std::map<std::string, std::string>& env) {
  // stdout and stderr go to temporary files: no pipe can fill up and block the child.
  char out_path[] = "/tmp/berth-test-out-XXXXXX";
  char err_path[] = "/tmp/berth-test-err-XXXXXX";
  int out_fd = ::mkstemp(out_path);
  int err_fd = ::mkstemp(err_path);
  ::unlink(out_path);
  ::unlink(err_path);
  int in_fd = -1;
  if (input) {
    char in_path[] = "/tmp/berth-test-in-XXXXXX";
    in_fd = ::mkstemp(in_path);
    ::unlink(in_path);
    if (in_fd < 0 || ::write(in_fd, input->data(), input->size()) != static_cast<ssize_t>(input->size()))
      throw std::runtime_error("cannot write the test's input");
    ::lseek(in_fd, 0, SEEK_SET);
  }

  BerthCommand command(args, env);

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::dup2(in_fd >= 0 ? in_fd : ::open("/dev/null", O_RDONLY), 0);
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(BERTH_BINARY, command.argv(), command.envp());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(out_fd, 0, SEEK_SET);
  ::lseek(err_fd, 0, SEEK_SET);
  r.out = drain(out_fd);
  r.err = drain(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (in_fd >= 0) ::close(in_fd);
  return r;
}
}  // namespace

Result run_berth(const std::vector<std::string>& args, const std::string& cwd,
                 const std::map<std::string, std::string>& env) {
  return run(nullptr, args, cwd, env);
}

Result run_berth_with_input(const std::string& input, const std::vector<std::string>& args,
                            const std::string& cwd, const std::map<std::string, std::string>& env) {
  return run(&input, args, cwd, env);
}

}  // namespace berth::test
