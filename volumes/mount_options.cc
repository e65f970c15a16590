#include "volumes/mount_options.h"

#include <sys/mount.h>

#include <map>
#include <sstream>
#include <utility>

namespace berth::volumes {

namespace {
// Each generic option: the flag it sets and whether it sets (true) or clears (false) it.
const std::map<std::string, std::pair<unsigned long, bool>>& generic_options() {
  static const std::map<std::string, std::pair<unsigned long, bool>> table = {
      {"ro", {MS_RDONLY, true}},          {"rw", {MS_RDONLY, false}},
      {"nosuid", {MS_NOSUID, true}},      {"suid", {MS_NOSUID, false}},
      {"nodev", {MS_NODEV, true}},        {"dev", {MS_NODEV, false}},
      {"noexec", {MS_NOEXEC, true}},      {"exec", {MS_NOEXEC, false}},
      {"sync", {MS_SYNCHRONOUS, true}},   {"async", {MS_SYNCHRONOUS, false}},
      {"dirsync", {MS_DIRSYNC, true}},    {"noatime", {MS_NOATIME, true}},
      {"atime", {MS_NOATIME, false}},     {"nodiratime", {MS_NODIRATIME, true}},
      {"diratime", {MS_NODIRATIME, false}}, {"relatime", {MS_RELATIME, true}},
      {"norelatime", {MS_RELATIME, false}}, {"strictatime", {MS_STRICTATIME, true}},
      {"bind", {MS_BIND, true}},          {"rbind", {MS_BIND | MS_REC, true}},
      {"defaults", {0, true}},
  };
  return table;
}
}  // namespace

MountOptions parse_mount_options(const std::string& options) {
  MountOptions out;
  std::istringstream in(options);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    auto it = generic_options().find(item);
    if (it == generic_options().end()) {
      if (!out.data.empty()) out.data += ',';
      out.data += item;
      continue;
    }
    auto [flag, set] = it->second;
    if (set)
      out.flags |= flag;
    else
      out.flags &= ~flag;
  }
  return out;
}

}  // namespace berth::volumes
