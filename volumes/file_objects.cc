#include "volumes/file_objects.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "util/error.h"
#include "util/fs.h"
#include "util/paths.h"
#include "volumes/host_path.h"
#include "volumes/names.h"
#include "volumes/rollback.h"

namespace berth::volumes {

namespace {

std::string kind_name(const FileObjectSpec& spec) {
  return spec.kind == FileObjectKind::config ? "config" : "secret";
}

std::string label(const FileObjectSpec& spec) { return kind_name(spec) + " '" + spec.name + "'"; }

void check_source_count(const FileObjectSpec& spec) {
  int sources = (spec.file ? 1 : 0) + (spec.environment ? 1 : 0) + (spec.content ? 1 : 0);
  if (spec.external) {
    throw Error(label(spec) + " is external, and berth has no store to look it up in",
                "give it a source berth can read: file:, environment: or content:", {},
                spec.where);
  }
  if (sources != 1)
    throw Error(label(spec) + (sources == 0 ? " has no source" : " has more than one source"),
                "give exactly one of file:, environment: or content:", {}, spec.where);
}

// The object's content, read now: all of them are read before any is written.
std::string read_content(const FileObjectRequest& request, const FileObjectSpec& spec) {
  if (spec.content) return *spec.content;
  if (spec.environment) {
    auto it = request.environment.find(*spec.environment);
    if (it == request.environment.end())
      throw Error(label(spec) + ": environment variable " + *spec.environment + " is not set",
                  "set it in the environment or in the project's .env file", {}, spec.where);
    return it->second;
  }
  auto path = expand_host_path(*spec.file, request.project_dir, spec.where);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(label(spec) + ": file " + path.string() + " " +
                    (errno == ENOENT ? std::string("does not exist") : std::strerror(errno)),
                "create the file, or fix the path in the " + kind_name(spec) + "'s file:", {},
                spec.where);
  if (!S_ISREG(st.st_mode))
    throw Error(label(spec) + ": " + path.string() + " is not a regular file", {}, {}, spec.where);
  return fs::read_file(path);
}

std::filesystem::path container_dir(const std::string& container) {
  check_name("container", container);
  return paths::run_root() / container;
}

void make_private_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0)
    throw Error("cannot chmod " + dir.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string file_object_target(const FileObjectSpec& spec) {
  std::string base = spec.kind == FileObjectKind::config ? "/" : "/run/secrets/";
  if (spec.target.empty()) return base + spec.name;
  if (spec.target[0] == '/') return spec.target;
  return base + spec.target;
}

namespace {
// Every object checked and its content read, before anything is written.
std::vector<std::string> checked_contents(const FileObjectRequest& request) {
  std::vector<std::string> contents;
  for (const auto& spec : request.objects) {
    check_name(kind_name(spec), spec.name);
    check_source_count(spec);
    if (spec.mode && *spec.mode > 07777)
      throw Error(label(spec) + ": mode " + std::to_string(*spec.mode) + " is not a file mode",
                  "give an octal mode such as 0440", {}, spec.where);
    contents.push_back(read_content(request, spec));
  }
  return contents;
}
}  // namespace

void check_file_objects(const FileObjectRequest& request) { checked_contents(request); }

std::vector<runtime::Mount> materialise_file_objects(const FileObjectRequest& request) {
  std::vector<std::string> contents = checked_contents(request);
  if (request.objects.empty()) return {};

  auto base = container_dir(request.container);
  Rollback rollback;
  std::vector<runtime::Mount> mounts;
  std::set<std::filesystem::path> used_names;
  for (size_t i = 0; i < request.objects.size(); ++i) {
    const auto& spec = request.objects[i];
    auto dir = base / (spec.kind == FileObjectKind::config ? "configs" : "secrets");
    make_private_dirs(dir);
    // rmdir removes only empty directories: nothing that was there before is lost.
    rollback.add([dir, base] {
      ::rmdir(dir.c_str());
      ::rmdir(base.c_str());
    });
    // One file per entry: the same secret given twice (two targets, two modes) is two files.
    std::string file_name = spec.name;
    if (!used_names.insert(dir / file_name).second) file_name += "." + std::to_string(i);
    auto path = dir / file_name;
    fs::write_file_atomic(path, contents[i], 0600);
    rollback.add([path] { ::unlink(path.c_str()); });
    // The mode is set after the owner: chown clears set-id bits, and the umask has no say here.
    if (::chown(path.c_str(), spec.uid.value_or(0), spec.gid.value_or(0)) != 0 ||
        ::chmod(path.c_str(), spec.mode.value_or(0444)) != 0)
      throw Error(label(spec) + ": cannot set owner and mode of " + path.string() + ": " +
                      std::strerror(errno),
                  {}, {}, spec.where);
    mounts.push_back({file_object_target(spec), "bind", path.string(),
                      {"rbind", "ro", "nosuid", "nodev", "noexec", "rprivate"}});
  }
  rollback.commit();
  return mounts;
}

void remove_file_objects(const std::string& container) {
  auto base = container_dir(container);
  std::error_code ec;
  std::filesystem::remove_all(base / "configs", ec);
  std::filesystem::remove_all(base / "secrets", ec);
  ::rmdir(base.c_str());  // only when nothing else of the container's lives there
}

}  // namespace berth::volumes
