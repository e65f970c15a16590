#include "util/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "util/error.h"

namespace berth::fs {

// Plain read(2), not iostreams: the container supervisor uses this, and iostreams (with the
// locale machinery they pull in) would triple its memory.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string out;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw Error("cannot read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  auto content = read_file_if_exists(path);
  if (!content) throw Error("cannot read " + path.string() + ": no such file");
  return *content;
}

namespace {

// The batch is process-wide: the executor's threads write while the command's batch is open.
struct BatchState {
  std::mutex mutex;
  int depth = 0;
  std::map<dev_t, std::filesystem::path> written;  // a directory on each file system written to
};

BatchState& batch() {
  static BatchState state;
  return state;
}

// True when the fsync can wait for the batch's end (the directory is then remembered).
bool defer_to_batch(const std::filesystem::path& dir) {
  BatchState& b = batch();
  std::lock_guard lock(b.mutex);
  if (b.depth == 0) return false;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return false;
  b.written.emplace(st.st_dev, dir);
  return true;
}

}  // namespace

SyncBatch::SyncBatch() {
  std::lock_guard lock(batch().mutex);
  ++batch().depth;
}

SyncBatch::~SyncBatch() {
  BatchState& b = batch();
  std::lock_guard lock(b.mutex);
  if (--b.depth > 0) return;
  for (const auto& [dev, dir] : b.written) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;  // the directory went away, and with it what needed syncing
    ::syncfs(fd);
    ::close(fd);
  }
  b.written.clear();
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       unsigned mode, bool durable) {
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw Error("cannot write " + tmp + ": " + std::strerror(errno));
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error("cannot write " + tmp + ": " + std::strerror(err));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (durable && defer_to_batch(path.parent_path())) durable = false;
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot write " + tmp + ": " + std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot rename " + tmp + " to " + path.string() + ": " + std::strerror(err));
  }
}

bool write_file_if_changed(const std::filesystem::path& path, const std::string& content, unsigned mode,
                           bool durable) {
  if (read_file_if_exists(path) == content) return false;
  write_file_atomic(path, content, mode, durable);
  return true;
}

}  // namespace berth::fs
