#include "runtime/container/detach_keys.h"

#include <gtest/gtest.h>

using berth::runtime::DetachKeys;

TEST(DetachKeys, PlainInputPassesThrough) {
  DetachKeys keys;
  auto r = keys.feed("ls -l\r");
  EXPECT_EQ(r.forward, "ls -l\r");
  EXPECT_FALSE(r.detach);
}

TEST(DetachKeys, CtrlPThenCtrlQDetachesAndDropsTheRest) {
  DetachKeys keys;
  auto r = keys.feed("ab\x10\x11" "cd");
  EXPECT_EQ(r.forward, "ab");
  EXPECT_TRUE(r.detach);
}

TEST(DetachKeys, TheSequenceMaySpanReads) {
  DetachKeys keys;
  auto first = keys.feed("x\x10");
  EXPECT_EQ(first.forward, "x");  // the ctrl-p is held back
  EXPECT_FALSE(first.detach);
  auto second = keys.feed("\x11");
  EXPECT_TRUE(second.detach);
  EXPECT_EQ(second.forward, "");
}

TEST(DetachKeys, ACtrlPNotFollowedByCtrlQIsForwarded) {
  DetachKeys keys;
  EXPECT_EQ(keys.feed("\x10").forward, "");
  EXPECT_EQ(keys.feed("a").forward, "\x10" "a");
  EXPECT_EQ(keys.feed("\x10\x10\x11").forward, "\x10");  // the second ctrl-p starts the sequence
  DetachKeys ending;
  ending.feed("\x10");
  EXPECT_EQ(ending.flush(), "\x10");
  EXPECT_EQ(ending.flush(), "");
}
