// Content digests ("sha256:<64 hex>"): computing them while data streams past, and checking them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace berth::image {

// Incremental SHA-256 (OpenSSL behind a pointer, so that this header stays light).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // "sha256:<hex>". The object cannot be updated afterwards.
  std::string digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_digest(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);

// True for "sha256:" followed by exactly 64 lower-case hex digits.
bool is_valid_digest(std::string_view digest);
// The hex part of a valid digest; throws berth::Error naming `what` otherwise.
std::string digest_hex(std::string_view digest, std::string_view what = "digest");
// Throws berth::Error when `actual` differs from `expected`, naming `what` (a blob, a manifest).
void verify_digest(const std::string& expected, const std::string& actual, const std::string& what);

}  // namespace berth::image
