#include "runtime/supervisor/log_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"
#include "util/fs.h"

namespace berth::runtime {
namespace {

std::vector<nlohmann::json> entries(const std::filesystem::path& path) {
  std::vector<nlohmann::json> out;
  std::string text = fs::read_file_if_exists(path).value_or("");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

TEST(JsonLogLine, EscapesLikeJson) {
  std::string line = json_log_line("a \"q\" \\ \t\x01 é\n", "stderr", "T");
  EXPECT_EQ(line, "{\"log\":\"a \\\"q\\\" \\\\ \\t\\u0001 é\\n\",\"stream\":\"stderr\",\"time\":\"T\"}\n");
  EXPECT_EQ(nlohmann::json::parse(line)["log"], "a \"q\" \\ \t\x01 é\n");
}

TEST(LogWriter, OneEntryPerLineWithPartialLinesJoined) {
  test::TempDir dir;
  auto path = dir.path() / "c.log";
  LogWriter log(path, {});
  log.append("stdout", "one\ntw");
  log.append("stderr", "err");
  log.append("stdout", "o\nthree");
  log.flush("stdout");
  log.flush("stderr");
  auto e = entries(path);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0]["log"], "one\n");
  EXPECT_EQ(e[1]["log"], "two\n");
  EXPECT_EQ(e[2]["log"], "three");
  EXPECT_EQ(e[3]["log"], "err");
  EXPECT_EQ(e[3]["stream"], "stderr");
}

TEST(LogWriter, RotatesBySizeKeepingMaxFiles) {
  test::TempDir dir;
  auto path = dir.path() / "c.log";
  LogWriter log(path, {300, 3});
  for (int i = 0; i < 20; ++i) log.append("stdout", "line " + std::to_string(i) + "\n");
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "c.log.1"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "c.log.2"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "c.log.3"));
  for (const char* name : {"c.log", "c.log.1", "c.log.2"})
    EXPECT_LE(std::filesystem::file_size(dir.path() / name), 300u) << name;
  // The newest lines are in the current file, the last one last.
  auto current = entries(path);
  ASSERT_FALSE(current.empty());
  EXPECT_EQ(current.back()["log"], "line 19\n");
  auto older = entries(dir.path() / "c.log.1");
  ASSERT_FALSE(older.empty());
  EXPECT_EQ(older.back()["log"].get<std::string>(),
            "line " + std::to_string(19 - static_cast<int>(current.size())) + "\n");
}

TEST(LogWriter, OneFileMeansTruncate) {
  test::TempDir dir;
  auto path = dir.path() / "c.log";
  LogWriter log(path, {200, 1});
  for (int i = 0; i < 10; ++i) log.append("stdout", "line " + std::to_string(i) + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "c.log.1"));
  EXPECT_LE(std::filesystem::file_size(path), 200u);
  EXPECT_EQ(entries(path).back()["log"], "line 9\n");
}

}  // namespace
}  // namespace berth::runtime
