// berth exec end to end.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "tests/support/compose_project.h"

using berth::test::ComposeProject;

TEST(ExecE2E, UserDirectoryEnvironmentAndExitCode) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
    deploy: {replicas: 2}
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto r = p({"exec", "-T", "-u", "app", "-w", "/tmp", "-e", "GREETING=hello", "app", "sh", "-c",
              "id -un; pwd; echo $GREETING"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "app\n/tmp\nhello\n");

  // The command's own flags are its own; its exit code is berth's.
  EXPECT_EQ(p({"exec", "app", "sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(p({"exec", "app", "ls", "-d", "/etc"}).out, "/etc\n");

  // --index picks the container: each has its own hostname.
  auto one = p({"exec", "--index", "1", "app", "hostname"}).out;
  auto two = p({"exec", "--index", "2", "app", "hostname"}).out;
  EXPECT_FALSE(one.empty());
  EXPECT_NE(one, two);
  r = p({"exec", "--index", "3", "app", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no container number 3"), std::string::npos) << r.err;

  // -d returns at once and leaves the command running in the container.
  r = p({"exec", "-d", "app", "sh", "-c", "echo done > /tmp/detached"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = p({"exec", "app", "sh", "-c", "i=0; while [ ! -s /tmp/detached ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; cat /tmp/detached"});
  EXPECT_EQ(r.out, "done\n");

  ASSERT_EQ(p({"stop", "-t", "1"}).exit_code, 0);
  r = p({"exec", "app", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not running"), std::string::npos) << r.err;
}

TEST(ExecE2E, UsersGetTheirSupplementaryGroupsAndGroupAdd) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
    group_add: [daemon]
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  // app is a member of users (100) in the image's /etc/group; group_add adds daemon (1).
  auto r = p({"exec", "-T", "-u", "app", "app", "id", "-G"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1000 1 100\n");  // the kernel keeps groups sorted
  // nobody has no groups of its own: only group_add's, not root's.
  r = p({"exec", "-T", "-u", "nobody", "app", "id", "-G"});
  EXPECT_EQ(r.out, "65534 1\n") << r.err;
  // Without -u: the container's user, with its groups.
  r = p({"exec", "-T", "app", "id", "-G"});
  EXPECT_EQ(r.out, "0 1\n") << r.err;
}

namespace {
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs berth under script(1), with a terminal as stdin and stdout; returns what it printed.
std::string on_a_terminal(const ComposeProject& p, const std::vector<std::string>& args) {
  std::string command;
  for (const auto& [k, v] : p.env()) command += k + "=" + shell_quoted(v) + " ";
  command += BERTH_BINARY;
  for (const auto& a : p.args(args)) command += " " + shell_quoted(a);
  std::string shell = "script -qec " + shell_quoted(command) + " /dev/null </dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(shell.c_str(), "r"), ::pclose);
  std::string out;
  char buf[4096];
  size_t n;
  while (pipe && (n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}
}  // namespace

TEST(ExecE2E, ATerminalWhenStdinIsOneUnlessNoTTY) {
  ComposeProject p(R"(
services:
  app:
    image: busybox
    command: sleep 1000
    init: true
)");
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  std::string probe = "if [ -t 0 ] && [ -t 1 ]; then echo with-tty; else echo without-tty; fi";
  EXPECT_NE(on_a_terminal(p, {"exec", "app", "sh", "-c", probe}).find("with-tty"), std::string::npos);
  EXPECT_NE(on_a_terminal(p, {"exec", "-T", "app", "sh", "-c", probe}).find("without-tty"), std::string::npos);
  // Without a terminal (the tests' stdin is /dev/null): none.
  EXPECT_EQ(p({"exec", "app", "sh", "-c", probe}).out, "without-tty\n");
}
