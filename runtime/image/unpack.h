// Unpacking a layer tarball (plain, gzip or zstd) into a directory of its own, in the form
// overlayfs reads: OCI/Docker whiteouts become overlay whiteouts (".wh.x" -> a 0/0 character
// device "x"; ".wh..wh..opq" -> the trusted.overlay.opaque=y xattr on its directory).
//
// Nothing is written outside the directory: entries with absolute paths or "..", links that
// point out of the layer, and writes through symlinks are refused (by our own checks and by
// libarchive's ARCHIVE_EXTRACT_SECURE_* flags). Device nodes are refused too: a container gets
// its /dev from the runtime. Owners, modes, times and xattrs are kept (trusted.overlay.* from the
// archive is dropped, so that a layer cannot forge overlay metadata).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace berth::image {

// Unpacks `blob` into `dest` (an existing, empty directory) and returns the digest of the
// uncompressed tar (the layer's diff_id). Throws berth::Error naming the entry at fault; `dest`
// may then hold part of the layer, and the caller removes it.
std::string unpack_layer(const std::filesystem::path& blob, const std::filesystem::path& dest);

// The pieces of the checks, exposed for tests.
// An archive entry's path made relative and clean ("./a//b/" -> "a/b", "." -> ""); throws
// berth::Error for absolute paths and ".." components.
std::string clean_entry_path(std::string_view path);
// Whether a relative symlink target, seen from the directory `entry_dir` (a clean relative
// path), climbs above the layer's root. Absolute targets resolve inside the container's root and
// do not escape.
bool symlink_escapes(std::string_view entry_dir, std::string_view target);

}  // namespace berth::image
