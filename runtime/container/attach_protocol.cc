#include "runtime/container/attach_protocol.h"

#include <charconv>

#include "util/error.h"

namespace berth::runtime {

namespace {
bool known(char kind) {
  switch (static_cast<FrameKind>(kind)) {
    case FrameKind::input:
    case FrameKind::input_end:
    case FrameKind::resize:
    case FrameKind::stdout_data:
    case FrameKind::stderr_data:
    case FrameKind::exit: return true;
  }
  return false;
}
}  // namespace

std::string encode_frame(FrameKind kind, std::string_view payload) {
  std::string out;
  out.reserve(kFrameHeader + payload.size());
  out += static_cast<char>(kind);
  auto n = static_cast<uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out.append(payload);
  return out;
}

std::optional<Frame> FrameReader::next() {
  if (buffer_.size() < kFrameHeader) return std::nullopt;
  if (!known(buffer_[0])) throw Error("attach stream: unknown frame kind");
  uint32_t n = 0;
  for (size_t i = 1; i < kFrameHeader; ++i) n = (n << 8) | static_cast<unsigned char>(buffer_[i]);
  if (n > kMaxFramePayload) throw Error("attach stream: a frame of " + std::to_string(n) + " bytes");
  if (buffer_.size() < kFrameHeader + n) return std::nullopt;
  Frame frame{static_cast<FrameKind>(buffer_[0]), buffer_.substr(kFrameHeader, n)};
  buffer_.erase(0, kFrameHeader + n);
  return frame;
}

std::string encode_window_size(WindowSize size) {
  return std::to_string(size.rows) + " " + std::to_string(size.cols);
}

std::optional<WindowSize> parse_window_size(std::string_view text) {
  auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<unsigned short> {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value == 0 || value > 65535)
      return std::nullopt;
    return static_cast<unsigned short>(value);
  };
  auto rows = number(text.substr(0, space));
  auto cols = number(text.substr(space + 1));
  if (!rows || !cols) return std::nullopt;
  return WindowSize{*rows, *cols};
}

}  // namespace berth::runtime
