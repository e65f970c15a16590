// berth cp SERVICE:SRC DEST and berth cp SRC SERVICE:DEST: files between the host and a service
// container. Paths in the container are resolved inside its root (symlinks included, never out
// of it): through /proc/PID/root while it runs (so its volumes are seen), else its root
// filesystem mount.
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "cli/container_steps.h"
#include "cli/project_options.h"
#include "cli/verbs.h"
#include "runtime/container/container.h"
#include "runtime/container/rootfs_path.h"
#include "stack/resources.h"

namespace berth::cli {

namespace {

namespace fs = std::filesystem;

struct CpFlags {
  std::string source, destination;
  int index = 1;
};

struct ContainerPath {
  std::string service;
  std::string path;
};

std::optional<ContainerPath> container_path(const std::string& arg) {
  size_t colon = arg.find(':');
  if (colon == std::string::npos || colon == 0 || arg[0] == '/' || arg[0] == '.') return std::nullopt;
  return ContainerPath{arg.substr(0, colon), arg.substr(colon + 1)};
}

fs::path root_of(const runtime::ContainerRecord& c) {
  runtime::ContainerRecord r = runtime::inspect_container(c.id);
  if ((r.status == "running" || r.status == "paused") && r.pid > 0) return "/proc/" + std::to_string(r.pid) + "/root";
  auto res = stack::load_resources(c.id);
  if (!res || res->rootfs.empty()) throw Error("container " + c.name + " has no root filesystem mounted");
  return res->rootfs;
}

// The host path for `path` in the container, every symlink resolved inside `root`.
fs::path resolve_existing(const fs::path& root, const std::string& path, const std::string& container) {
  std::string absolute = path.empty() || path[0] != '/' ? "/" + path : path;
  auto resolved = runtime::resolve_in_rootfs(root, absolute);
  if (!resolved) throw Error("no such file or directory in " + container + ": " + absolute);
  return *resolved;
}

// Copies `from` (host) to the container path `to`, creating or replacing what is there; each
// level resolves its parent inside the root again, and an existing symlink at the target is
// replaced rather than followed, so nothing is written outside the container.
void copy_in(const fs::path& from, const fs::path& root, const std::string& to, const std::string& container) {
  fs::path to_path(to);
  std::string name = to_path.filename().string();
  if (name.empty() || name == "." || name == "..") throw Error("cannot copy to " + to + " in " + container);
  fs::path parent = resolve_existing(root, to_path.parent_path().string(), container);
  if (!fs::is_directory(parent)) throw Error(to_path.parent_path().string() + " in " + container + " is not a directory");
  fs::path target = parent / name;
  auto from_status = fs::symlink_status(from);
  auto target_status = fs::symlink_status(target);
  if (fs::is_symlink(target_status) || (fs::exists(target_status) && !fs::is_directory(target_status) &&
                                        fs::is_directory(from_status)))
    fs::remove(target);
  if (fs::is_symlink(from_status)) {
    if (fs::exists(fs::symlink_status(target))) fs::remove_all(target);
    fs::create_symlink(fs::read_symlink(from), target);
  } else if (fs::is_directory(from_status)) {
    if (!fs::is_directory(fs::symlink_status(target))) {
      if (fs::exists(fs::symlink_status(target))) fs::remove(target);
      fs::create_directory(target);
      fs::permissions(target, fs::status(from).permissions());
    }
    for (const auto& entry : fs::directory_iterator(from))
      copy_in(entry.path(), root, (to_path / entry.path().filename()).string(), container);
  } else if (fs::is_regular_file(from_status)) {
    if (fs::is_directory(fs::symlink_status(target))) throw Error(to + " in " + container + " is a directory");
    fs::copy_file(from, target, fs::copy_options::overwrite_existing);
  } else {
    throw Error("cannot copy " + from.string() + ": not a file, directory or symlink");
  }
}

int run_cp(const GlobalOptions& g, const CpFlags& f) {
  auto src = container_path(f.source);
  auto dst = container_path(f.destination);
  if (src.has_value() == dst.has_value())
    throw Error(src ? "cannot copy from one container to another" : "one of the paths must be SERVICE:PATH",
                "write berth cp SERVICE:SRC DEST or berth cp SRC SERVICE:DEST");
  compose::Project p = load(load_options(g)).project;
  runtime::ContainerRecord c = service_container(p, src ? src->service : dst->service, f.index);
  fs::path root = root_of(c);
  if (src) {
    fs::path from = resolve_existing(root, src->path, c.name);
    fs::path to = f.destination;
    bool contents_only = src->path.size() >= 2 && src->path.substr(src->path.size() - 2) == "/.";
    if (fs::is_directory(to) && !contents_only) to /= fs::path(src->path).lexically_normal().filename();
    auto options = fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing;
    if (fs::is_directory(from)) fs::create_directories(to);
    fs::copy(from, to, options);
    return 0;
  }
  fs::path from = f.source;
  if (!fs::exists(fs::symlink_status(from))) throw Error("no such file or directory: " + f.source);
  std::string to = dst->path.empty() || dst->path[0] != '/' ? "/" + dst->path : dst->path;
  while (to.size() > 1 && to.back() == '/') to.pop_back();
  bool contents_only = f.source.size() >= 2 && f.source.substr(f.source.size() - 2) == "/.";
  auto existing = runtime::resolve_in_rootfs(root, to);
  if (existing && fs::is_directory(*existing)) {
    if (contents_only) {
      for (const auto& entry : fs::directory_iterator(from))
        copy_in(entry.path(), root, to + "/" + entry.path().filename().string(), c.name);
      return 0;
    }
    to += "/" + fs::path(f.source).lexically_normal().filename().string();
  }
  copy_in(from, root, to, c.name);
  return 0;
}

}  // namespace

void add_cp_verb(CLI::App& app, const GlobalOptions& global) {
  auto* cp = app.add_subcommand("cp", "Copy files between a service container and the host");
  auto f = std::make_shared<CpFlags>();
  cp->add_option("--index", f->index, "The container of the service with this number (default 1)");
  cp->add_option("source", f->source, "SERVICE:SRC or a host path")->required();
  cp->add_option("destination", f->destination, "a host path or SERVICE:DEST")->required();
  set_action(cp, [&global, f] { return run_cp(global, *f); });
}

}  // namespace berth::cli
