#include "runtime/container/attach_protocol.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::runtime;

TEST(AttachProtocol, FramesSurviveArrivingByteByByte) {
  std::string stream = encode_frame(FrameKind::input, "hello") +
                       encode_frame(FrameKind::input_end, "") +
                       encode_frame(FrameKind::stdout_data, std::string(70000, 'x'));
  FrameReader reader;
  std::vector<Frame> frames;
  for (char c : stream) {
    reader.feed(std::string_view(&c, 1));
    while (auto f = reader.next()) frames.push_back(*f);
  }
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].kind, FrameKind::input);
  EXPECT_EQ(frames[0].payload, "hello");
  EXPECT_EQ(frames[1].kind, FrameKind::input_end);
  EXPECT_EQ(frames[1].payload, "");
  EXPECT_EQ(frames[2].kind, FrameKind::stdout_data);
  EXPECT_EQ(frames[2].payload.size(), 70000u);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(AttachProtocol, BinaryPayloadsPassUnchanged) {
  std::string bytes("\0\x10\x11\xff\n", 5);
  FrameReader reader;
  reader.feed(encode_frame(FrameKind::stderr_data, bytes));
  auto f = reader.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, bytes);
  EXPECT_FALSE(reader.next());
}

TEST(AttachProtocol, MalformedStreamsAreRefused) {
  FrameReader unknown;
  unknown.feed(std::string("z\0\0\0\0", 5));
  EXPECT_THROW(unknown.next(), berth::Error);
  FrameReader huge;
  huge.feed(std::string("i\x7f\0\0\0", 5));
  EXPECT_THROW(huge.next(), berth::Error);
}

TEST(AttachProtocol, WindowSizes) {
  auto size = parse_window_size(encode_window_size({24, 80}));
  ASSERT_TRUE(size);
  EXPECT_EQ(size->rows, 24);
  EXPECT_EQ(size->cols, 80);
  EXPECT_FALSE(parse_window_size("24"));
  EXPECT_FALSE(parse_window_size("0 80"));
  EXPECT_FALSE(parse_window_size("24 70000"));
  EXPECT_FALSE(parse_window_size("24 8x"));
}
