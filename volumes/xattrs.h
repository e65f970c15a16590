// Extended attributes of a file, read and written by fd or (for symlinks) by path.
#pragma once

#include <map>
#include <string>

namespace berth::volumes {

using Xattrs = std::map<std::string, std::string>;

// All xattrs of an open file or directory.
Xattrs read_xattrs_fd(int fd);
// All xattrs of a path, not following a final symlink.
Xattrs read_xattrs_link(const std::string& path);
// Sets them; a file system that has no xattrs of that kind (ENOTSUP) is skipped with a warning.
void write_xattrs_fd(int fd, const Xattrs& xattrs, const std::string& shown);
void write_xattrs_link(const std::string& path, const Xattrs& xattrs);

}  // namespace berth::volumes
