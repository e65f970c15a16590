// Interactive containers end to end: berth run and berth attach with stdin (piped, and a real
// terminal the test drives through a pseudo-terminal), detaching, and exec -T with piped stdin.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/compose_project.h"
#include "tests/support/pty_berth.h"

using berth::test::ComposeProject;
using berth::test::PtyBerth;
using berth::test::run_berth_with_input;

namespace {
const char* kShell = R"(
services:
  svc:
    image: busybox
    command: sleep 1000
    init: true
  console:
    image: busybox
    command: sh
    stdin_open: true
    tty: true
)";

size_t containers(const ComposeProject& p) {
  return nlohmann::json::parse(p({"ps", "-a", "--format", "json"}).out).size();
}
}  // namespace

TEST(RunE2E, PipedStdinReachesTheOneOffAndItsExitCodeComesBack) {
  ComposeProject p(kShell);
  auto r = run_berth_with_input("a\nb\n", p.args({"run", "--rm", "-T", "svc", "sh", "-c", "cat; exit 3"}),
                                p.dir().string(), p.env());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "a\nb\n");
  EXPECT_EQ(containers(p), 0u);  // --rm
  // Without -T too: stdin is not a terminal, so no terminal is made; stdin still flows.
  r = run_berth_with_input("x\n", p.args({"run", "--rm", "svc", "sh", "-c", "read v; echo got $v; [ -t 0 ] || echo no-tty"}),
                           p.dir().string(), p.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "got x\nno-tty\n");
  // --no-interactive: the one-off's stdin is empty.
  r = run_berth_with_input("x\n", p.args({"run", "--rm", "--no-interactive", "svc", "sh", "-c", "cat; echo end"}),
                           p.dir().string(), p.env());
  EXPECT_EQ(r.out, "end\n") << r.err;
}

TEST(RunE2E, OnATerminalTheOneOffGetsATerminal) {
  ComposeProject p(kShell);
  PtyBerth berth(p.args({"run", "--rm", "svc", "sh"}), p.dir().string(), p.env());
  // The shell's terminal echoes what is typed; its output comes back through berth's.
  berth.type("[ -t 0 ] && echo is-a-tty; stty size; echo $((6 * 7))\r");
  ASSERT_TRUE(berth.read_until("is-a-tty")) << berth.screen();
  EXPECT_TRUE(berth.read_until("24 80")) << berth.screen();  // the size of berth's terminal
  ASSERT_TRUE(berth.read_until("42")) << berth.screen();
  berth.type("exit 5\r");
  EXPECT_EQ(berth.wait(), 5) << berth.screen();
  EXPECT_EQ(containers(p), 0u);
}

TEST(AttachE2E, TypeSeeAndDetachWithCtrlPCtrlQ) {
  ComposeProject p(kShell);
  ASSERT_EQ(p({"up", "-d", "console"}).exit_code, 0);
  {
    PtyBerth attach(p.args({"attach", "console"}), p.dir().string(), p.env());
    attach.type("echo $((6 * 7))\r");
    ASSERT_TRUE(attach.read_until("42")) << attach.screen();
    attach.type("\x10\x11");
    EXPECT_EQ(attach.wait(), 0) << attach.screen();
    EXPECT_NE(attach.screen().find("detached"), std::string::npos) << attach.screen();
  }
  auto states = p.states();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].second, "running");  // detaching leaves it running

  // Attached again, the same shell (its variable is still set) answers; its exit ends attach
  // with its code.
  PtyBerth again(p.args({"attach", "console"}), p.dir().string(), p.env());
  again.type("X=kept; echo value-$X\r");
  ASSERT_TRUE(again.read_until("value-kept")) << again.screen();
  again.type("exit 4\r");
  EXPECT_EQ(again.wait(), 4) << again.screen();
  EXPECT_EQ(p.states()[0].second, "exited");
}

TEST(ExecE2E, PipedStdinWithoutATerminal) {
  ComposeProject p(kShell);
  ASSERT_EQ(p({"up", "-d", "svc"}).exit_code, 0);
  auto r = run_berth_with_input("hi\n", p.args({"exec", "-T", "svc", "cat"}), p.dir().string(), p.env());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n");
}
