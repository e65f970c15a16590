// Configs and secrets: a file, an environment variable or inline content, written as a file of
// its own under <run_root>/<container>/{configs,secrets}/<name> with the uid, gid and mode asked
// for, and bind-mounted read-only into the container.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/mount.h"

namespace berth::volumes {

enum class FileObjectKind { config, secret };

// One `configs:` or `secrets:` entry of a service, joined with its top-level definition.
struct FileObjectSpec {
  FileObjectKind kind = FileObjectKind::secret;
  std::string name;  // the top-level key
  // Exactly one source (or external):
  std::optional<std::string> file;         // a host path, relative to the project directory
  std::optional<std::string> environment;  // the name of a variable of the project environment
  std::optional<std::string> content;      // the value itself
  bool external = false;
  // Where in the container: empty means /<name> (config) or /run/secrets/<name> (secret); a
  // relative target is taken under / (config) or /run/secrets (secret).
  std::string target;
  std::optional<unsigned> uid, gid;
  std::optional<unsigned> mode;  // default 0444
  std::string where;             // the blueprint path, for errors
};

struct FileObjectRequest {
  std::string container;
  std::filesystem::path project_dir;
  std::map<std::string, std::string> environment;  // the project's resolved environment
  std::vector<FileObjectSpec> objects;
};

// Where in the container an object appears.
std::string file_object_target(const FileObjectSpec& spec);

// The checks of materialise_file_objects(), sources read, nothing written: bad input is found
// before a command creates anything.
void check_file_objects(const FileObjectRequest& request);

// Checks every object, then writes them all; on failure nothing written stays. Returns their
// read-only bind mounts.
std::vector<runtime::Mount> materialise_file_objects(const FileObjectRequest& request);

// Removes what materialise_file_objects() wrote for a container.
void remove_file_objects(const std::string& container);

}  // namespace berth::volumes
