#include "runtime/supervisor/log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "runtime/container/record.h"

namespace berth::runtime {

namespace {
constexpr size_t kMaxPartial = 16 * 1024;

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out += buf;
        } else {
          out += c;  // UTF-8 passes through; JSON allows it
        }
    }
  }
}
}  // namespace

std::string json_log_line(std::string_view text, std::string_view stream, std::string_view time) {
  std::string out = "{\"log\":\"";
  append_escaped(out, text);
  out += "\",\"stream\":\"";
  out += stream;
  out += "\",\"time\":\"";
  out += time;
  out += "\"}\n";
  return out;
}

LogWriter::LogWriter(std::filesystem::path path, LogOptions options)
    : path_(std::move(path)), options_(options) {
  open();
}

void LogWriter::open() {
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  struct stat st {};
  size_ = fd_.valid() && ::fstat(fd_.get(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

void LogWriter::rotate() {
  fd_.reset();
  int keep = options_.max_file < 1 ? 1 : options_.max_file;
  if (keep == 1) {
    ::truncate(path_.c_str(), 0);
  } else {
    // container.log.(keep-1) falls off; each older file moves up one; the current becomes .1
    for (int i = keep - 1; i >= 1; --i) {
      std::string from = i == 1 ? path_.string() : path_.string() + "." + std::to_string(i - 1);
      std::string to = path_.string() + "." + std::to_string(i);
      ::rename(from.c_str(), to.c_str());
    }
  }
  open();
}

void LogWriter::write_entry(std::string_view stream, std::string_view text) {
  std::string line = json_log_line(text, stream, now_rfc3339());
  if (options_.max_size > 0 && size_ > 0 && size_ + line.size() > options_.max_size) rotate();
  if (!fd_.valid()) return;
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_.get(), data, left);
    if (n <= 0) return;  // a full disk loses log lines, never the container
    data += n;
    left -= static_cast<size_t>(n);
  }
  size_ += line.size();
}

void LogWriter::append(std::string_view stream, std::string_view data) {
  std::string& buffer = pending(stream);
  buffer.append(data);
  size_t start = 0;
  while (true) {
    size_t newline = buffer.find('\n', start);
    if (newline == std::string::npos) break;
    write_entry(stream, std::string_view(buffer).substr(start, newline - start + 1));
    start = newline + 1;
  }
  buffer.erase(0, start);
  if (buffer.size() >= kMaxPartial) flush(stream);
}

void LogWriter::flush(std::string_view stream) {
  std::string& buffer = pending(stream);
  if (!buffer.empty()) write_entry(stream, buffer);
  buffer.clear();
  buffer.shrink_to_fit();
}

}  // namespace berth::runtime
