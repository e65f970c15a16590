// Host paths that a blueprint names for bind mounts: "~" expanded, relative ones taken against
// the project directory, checked before anything is created.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::volumes {

// "~" and "~/x" become the home of the user running berth ($HOME, else the password database),
// "~name/x" that user's home; a relative path is taken against `project_dir`. The result is
// absolute and lexically normal. `where` (the blueprint path) is used in errors.
std::filesystem::path expand_host_path(const std::string& source,
                                       const std::filesystem::path& project_dir,
                                       const std::string& where = {});

enum class HostPathState { exists, missing };

// Whether a bind source is there. A symlink whose target is missing (or a loop) is an error,
// never "missing": creating a directory through it would write where the user did not say.
HostPathState check_bind_source(const std::filesystem::path& path, const std::string& where = {});

// mkdir -p that tells which directories it made, outermost first, so that they can be removed
// again if what follows fails.
std::vector<std::filesystem::path> create_directories_tracked(const std::filesystem::path& path);

}  // namespace berth::volumes
