// A volume's tree as a tar stream (pax): `berth volume export` and `berth volume import`.
// Owners (numeric), modes, timestamps, xattrs, symlinks and hardlinks survive the round trip.
#pragma once

#include <filesystem>
#include <string>

#include "volumes/volume_store.h"

namespace berth::volumes {

// Writes the tree below `dir` (itself as "./") to the file descriptor `out_fd`.
void export_tree(const std::filesystem::path& dir, int out_fd);

// Extracts a tar from `in_fd` into the existing, empty directory `dir`. An entry whose path or
// hardlink target is absolute or climbs out with "..", or that would be written through a
// symlink, is refused: a berth::Error, and `dir` may hold what came before it.
void import_tree(int in_fd, const std::filesystem::path& dir);

// export_tree() of a volume's data.
void export_volume(VolumeStore& store, const std::string& name, int out_fd);
// Imports a tar into a volume, created (plain local) when it does not exist. The volume must be
// empty; the tar is extracted beside it first and takes its place only when all of it is good,
// so a refused archive leaves the volume as it was (and a volume made for it is removed).
void import_volume(VolumeStore& store, const std::string& name, int in_fd);

}  // namespace berth::volumes
