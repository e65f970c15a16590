// The supervisor's attach stream with real containers: input to stdin (a pipe, or a terminal),
// output and exit code back, the end of the starting client's input.
#include "runtime/container/attach.h"

#include <poll.h>
#include <sys/socket.h>

#include "runtime/container/attach_protocol.h"
#include "runtime/container/container.h"
#include "tests/runtime/container_fixture.h"

namespace berth::test {
namespace {

using runtime::FrameKind;

void send_frame(const runtime::Fd& fd, FrameKind kind, const std::string& payload) {
  std::string frame = runtime::encode_frame(kind, payload);
  ASSERT_EQ(::send(fd.get(), frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
}

struct Received {
  std::string out, err;
  std::optional<int> exit_code;
};

// Reads frames until the exit frame (or the end of the stream, or 30 s of silence).
Received receive_until_exit(const runtime::Fd& fd) {
  Received r;
  runtime::FrameReader reader;
  char buffer[4096];
  while (!r.exit_code) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 30000) <= 0) break;
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    reader.feed(std::string_view(buffer, static_cast<size_t>(n)));
    while (auto f = reader.next()) {
      if (f->kind == FrameKind::stdout_data) r.out += f->payload;
      if (f->kind == FrameKind::stderr_data) r.err += f->payload;
      if (f->kind == FrameKind::exit) r.exit_code = std::atoi(f->payload.c_str());
    }
  }
  return r;
}

TEST_F(ContainerTest, AttachStreamCarriesStdinOutputAndTheExitCode) {
  auto spec = shell_spec("read line; echo \"got $line\"; echo to-stderr >&2; exit 3");
  spec.process.stdin_open = true;
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::Fd stream = runtime::start_container_attached(spec.id);
  send_frame(stream, FrameKind::input, "hello\n");
  Received r = receive_until_exit(stream);
  EXPECT_EQ(r.out, "got hello\n");
  EXPECT_EQ(r.err, "to-stderr\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(runtime::wait_container(spec.id), 3);
  auto log = logs(spec.id);  // what attached clients see is logged too
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].log, "got hello\n");
}

TEST_F(ContainerTest, TheStartingClientGoingAwayEndsTheContainersStdin) {
  auto spec = shell_spec("cat; echo stdin-ended");
  spec.process.stdin_open = true;
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  {
    runtime::Fd stream = runtime::start_container_attached(spec.id);
    send_frame(stream, FrameKind::input, "typed\n");
  }  // closed without an input_end frame: a berth run that was killed
  EXPECT_EQ(runtime::wait_container(spec.id), 0);
  auto log = logs(spec.id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].log, "typed\n");
  EXPECT_EQ(log[1].log, "stdin-ended\n");
}

TEST_F(ContainerTest, AttachStreamDrivesTheContainersTerminal) {
  auto spec = shell_spec("exec sh");
  spec.process.stdin_open = true;
  spec.process.tty = true;
  runtime::create_container(spec);
  ids_.push_back(spec.id);
  runtime::Fd stream = runtime::start_container_attached(spec.id);
  send_frame(stream, FrameKind::resize, "33 101");
  send_frame(stream, FrameKind::input, "[ -t 0 ] && stty size; exit 7\r");
  Received r = receive_until_exit(stream);
  EXPECT_NE(r.out.find("33 101"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");  // a terminal has one stream
  EXPECT_EQ(r.exit_code, 7);

  // A second client attached to a running terminal container sees its output too.
  auto other = shell_spec("exec sh");
  other.process.stdin_open = true;
  other.process.tty = true;
  runtime::create_container(other);
  ids_.push_back(other.id);
  runtime::start_container(other.id);
  runtime::Fd attached = runtime::connect_attach(other.id);
  send_frame(attached, FrameKind::input, "echo $((40 + 2)); exit 0\r");
  r = receive_until_exit(attached);
  EXPECT_NE(r.out.find("42"), std::string::npos) << r.out;
  EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace berth::test
