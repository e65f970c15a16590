#include "cli/layer_progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {
std::string contents(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}
}  // namespace

TEST(LayerProgress, PlainPrintsOneLinePerChangeOfState) {
  FILE* f = std::tmpfile();
  berth::cli::LayerProgress p("plain", f);
  p.on_event({"aaa", "Waiting", 0, 10});
  p.on_event({"aaa", "Downloading", 1, 10});
  p.on_event({"aaa", "Downloading", 5, 10});
  p.on_event({"bbb", "Already exists", 0, 0});
  p.on_event({"aaa", "Pull complete", 0, 0});
  p.finish();
  EXPECT_EQ(contents(f), "aaa: Waiting\naaa: Downloading\nbbb: Already exists\naaa: Pull complete\n");
  std::fclose(f);
}

TEST(LayerProgress, AutoOnAFileIsPlain) {
  FILE* f = std::tmpfile();
  berth::cli::LayerProgress p("auto", f);
  p.on_event({"aaa", "Downloading", 1, 10});
  EXPECT_EQ(contents(f), "aaa: Downloading\n");
  std::fclose(f);
}

TEST(LayerProgress, TtyRedrawsLinesInPlaceWithABar) {
  FILE* f = std::tmpfile();
  berth::cli::LayerProgress p("tty", f);
  p.on_event({"aaa", "Downloading", 0, 2000000});
  p.on_event({"bbb", "Waiting", 0, 0});
  p.on_event({"aaa", "Downloading", 1000000, 2000000});
  p.finish();
  std::string out = contents(f);
  EXPECT_NE(out.find("\x1b[2A"), std::string::npos);  // back up over both lines
  EXPECT_NE(out.find("aaa: Downloading [===================>"), std::string::npos) << out;
  EXPECT_NE(out.find("1.0MB/2.0MB"), std::string::npos) << out;
  EXPECT_NE(out.find("bbb: Waiting"), std::string::npos);
  std::fclose(f);
}

TEST(LayerProgress, QuietPrintsNothing) {
  FILE* f = std::tmpfile();
  berth::cli::LayerProgress p("quiet", f);
  p.on_event({"aaa", "Downloading", 1, 10});
  p.finish();
  EXPECT_EQ(contents(f), "");
  std::fclose(f);
}
