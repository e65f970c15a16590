// Copies a directory tree the way a volume's copy-up needs it: owners, modes, timestamps,
// extended attributes, symlinks (as links), hardlinks (as links), devices and fifos kept.
#pragma once

namespace berth::volumes {

// Copies the contents of the directory `src_dir_fd` into the directory `dst_dir_fd`, which
// should be empty, and gives `dst_dir_fd` the owner, mode and xattrs of the source directory.
// Nothing is followed: a symlink is copied as a symlink. Throws berth::Error on failure.
void copy_tree(int src_dir_fd, int dst_dir_fd);

// True when the directory `dir_fd` has no entries besides "." and "..".
bool directory_is_empty(int dir_fd);

}  // namespace berth::volumes
