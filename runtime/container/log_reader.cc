#include "runtime/container/log_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>

#include "runtime/container/container.h"
#include "runtime/container/fd.h"
#include "runtime/container/record.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {

namespace {

std::optional<LogLine> parse_line(const std::string& line) {
  try {
    auto j = nlohmann::json::parse(line);
    return LogLine{j.value("time", ""), j.value("stream", ""), j.value("log", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a line cut short by a crash: skipped
  }
}

bool wanted(const LogLine& line, const LogQuery& query) {
  if (!query.since.empty() && line.time < query.since) return false;
  if (!query.until.empty() && line.time > query.until) return false;
  return true;
}

// Reads the current log file as it grows, across rotations: it keeps the file open, so lines
// written just before a rotation are read from the renamed file before moving to the new one.
class LogFollower {
 public:
  explicit LogFollower(std::filesystem::path path) : path_(std::move(path)) {}

  // Complete lines appended since the last call.
  std::vector<std::string> read() {
    std::vector<std::string> lines;
    if (!fd_.valid()) open();
    while (fd_.valid()) {
      drain(lines);
      struct stat now {};
      if (::stat(path_.c_str(), &now) != 0 || now.st_ino == inode_) break;
      open();  // rotated: the old file is read to its end, now the new one
    }
    return lines;
  }

 private:
  void open() {
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (fd_.valid() && ::fstat(fd_.get(), &st) == 0) inode_ = st.st_ino;
    position_ = 0;
    partial_.clear();
  }

  void drain(std::vector<std::string>& lines) {
    struct stat st {};
    if (::fstat(fd_.get(), &st) == 0 && static_cast<uint64_t>(st.st_size) < position_) {
      ::lseek(fd_.get(), 0, SEEK_SET);  // truncated in place (max-file 1)
      position_ = 0;
      partial_.clear();
    }
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd_.get(), buffer, sizeof buffer)) > 0) {
      partial_.append(buffer, static_cast<size_t>(n));
      position_ += static_cast<uint64_t>(n);
    }
    size_t start = 0, newline;
    while ((newline = partial_.find('\n', start)) != std::string::npos) {
      lines.push_back(partial_.substr(start, newline - start));
      start = newline + 1;
    }
    partial_.erase(0, start);
  }

  std::filesystem::path path_;
  Fd fd_;
  ino_t inode_ = 0;
  uint64_t position_ = 0;
  std::string partial_;
};

bool container_down(const std::string& id) {
  auto record = read_record(id);
  if (!record) return true;
  const std::string& s = record->status;
  if (s == "running" || s == "paused" || s == "restarting") return !supervisor_alive(id);
  return true;
}

}  // namespace

void read_logs(const std::string& id, const LogQuery& query,
               const std::function<bool(const LogLine&)>& emit) {
  if (!read_record(id)) throw Error("no such container: " + id);
  auto current = container_log_path(id);
  Fd inotify;
  if (query.follow) {
    inotify = Fd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    ::inotify_add_watch(inotify.get(), container_state_dir(id).c_str(),
                        IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
  }
  // What is there now: rotated files oldest first, then the current one.
  std::vector<std::filesystem::path> files;
  for (int i = 1;; ++i) {
    std::filesystem::path rotated = current.string() + "." + std::to_string(i);
    if (!std::filesystem::exists(rotated)) break;
    files.insert(files.begin(), rotated);
  }
  std::deque<LogLine> backlog;
  for (const auto& file : files) {
    std::string text = fs::read_file_if_exists(file).value_or("");
    size_t start = 0, newline;
    while ((newline = text.find('\n', start)) != std::string::npos) {
      if (auto line = parse_line(text.substr(start, newline - start)); line && wanted(*line, query))
        backlog.push_back(*line);
      start = newline + 1;
    }
  }
  LogFollower follower(current);
  for (const auto& raw : follower.read())
    if (auto line = parse_line(raw); line && wanted(*line, query)) backlog.push_back(*line);
  if (query.tail)
    while (backlog.size() > *query.tail) backlog.pop_front();
  for (const auto& line : backlog)
    if (!emit(line)) return;
  if (!query.follow) return;

  while (true) {
    bool down = container_down(id);  // checked before the read, so no line is missed
    for (const auto& raw : follower.read()) {
      auto line = parse_line(raw);
      if (line && wanted(*line, query) && !emit(*line)) return;
    }
    if (down) return;
    pollfd p{inotify.get(), POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR)
      throw Error(std::string("poll: ") + std::strerror(errno));
    char buffer[4096];
    while (::read(inotify.get(), buffer, sizeof buffer) > 0) {
    }
  }
}

}  // namespace berth::runtime
