// The attach stream between a berth client and a container's supervisor (attach.sock in the
// container's run directory, or the socket pair `berth run` hands the supervisor at start).
// Frames: one kind byte, a 4-byte big-endian length, the payload.
//   client -> supervisor: input (bytes for the container's stdin or terminal), input_end (the
//     client's stdin ended: close the container's stdin, honoured for the client that started the
//     container), resize ("<rows> <cols>").
//   supervisor -> client: stdout_data, stderr_data (what the container wrote, also logged), exit
//     ("<code>": this run of the container is over; the supervisor closes the stream after it).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace berth::runtime {

enum class FrameKind : char {
  input = 'i',
  input_end = 'e',
  resize = 'w',
  stdout_data = 'o',
  stderr_data = 'E',
  exit = 'x',
};

struct Frame {
  FrameKind kind;
  std::string payload;
};

// The socket's name in the container's run directory.
inline constexpr const char* kAttachSocket = "attach.sock";

inline constexpr size_t kFrameHeader = 5;
// Larger frames are refused: no peer of ours sends them.
inline constexpr size_t kMaxFramePayload = 1 << 20;

std::string encode_frame(FrameKind kind, std::string_view payload);

// Splits a byte stream into frames as it arrives.
class FrameReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame, if one has arrived. Throws berth::Error on a malformed stream (an
  // unknown kind, an oversized length).
  std::optional<Frame> next();
  size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

struct WindowSize {
  unsigned short rows = 0;
  unsigned short cols = 0;
};
std::string encode_window_size(WindowSize size);
// nullopt unless "<rows> <cols>" with both in 1..65535.
std::optional<WindowSize> parse_window_size(std::string_view text);

}  // namespace berth::runtime
