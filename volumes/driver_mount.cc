#include "volumes/driver_mount.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "volumes/mount_options.h"

namespace berth::volumes {

namespace {
std::string opt(const std::map<std::string, std::string>& opts, const std::string& key) {
  auto it = opts.find(key);
  return it == opts.end() ? std::string() : it->second;
}

[[noreturn]] void mount_failed(const std::string& type, const std::string& device,
                               const std::filesystem::path& target) {
  int err = errno;
  throw Error("cannot mount " + (device.empty() ? type : device) + " (type " + type + ") on " +
                  target.string() + ": " + std::strerror(err),
              "check the volume's driver_opts (type, device, o)");
}
}  // namespace

void check_driver(const std::string& driver, const std::map<std::string, std::string>& opts) {
  if (!driver.empty() && driver != "local")
    throw Error("volume driver '" + driver + "' is not supported",
                "berth has the local driver only; remove 'driver:' or set it to local");
  for (const auto& [key, value] : opts)
    if (key != "type" && key != "device" && key != "o")
      throw Error("unknown option '" + key + "' for the local volume driver",
                  "the local driver takes type, device and o");
  if (opts.empty()) return;
  std::string type = opt(opts, "type");
  std::string device = opt(opts, "device");
  if (type.empty())
    throw Error("driver_opts of the local driver need a 'type'",
                "for example type: tmpfs, type: nfs, or type: none with o: bind");
  if (type != "tmpfs" && device.empty())
    throw Error("driver_opts of type '" + type + "' need a 'device'",
                type == "none" ? "device is the host directory to bind" : "device is what to mount");
  auto flags = parse_mount_options(opt(opts, "o")).flags;
  if (type == "none" && !(flags & MS_BIND))
    throw Error("driver_opts type 'none' needs o: bind", "use o: bind to bind a host directory");
  if ((flags & MS_BIND) && !std::filesystem::path(device).is_absolute())
    throw Error("driver_opts device '" + device + "' must be an absolute host path for a bind");
}

MountHandle mount_driver_opts(const std::map<std::string, std::string>& opts,
                              const std::filesystem::path& data_dir) {
  if (opts.empty()) return {};
  std::string type = opt(opts, "type");
  std::string device = opt(opts, "device");
  MountOptions o = parse_mount_options(opt(opts, "o"));
  if (o.flags & MS_BIND) {
    struct stat st {};
    if (::stat(device.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw Error("driver_opts device '" + device + "' is not a directory on this host",
                  "create it first: a bind volume shows an existing host directory");
    if (::mount(device.c_str(), data_dir.c_str(), nullptr, o.flags & (MS_BIND | MS_REC), nullptr) != 0)
      mount_failed("bind", device, data_dir);
    MountHandle handle(data_dir);
    // A bind takes its other flags (ro, nosuid, ...) only from a remount.
    unsigned long extra = o.flags & ~(MS_BIND | MS_REC);
    if (extra != 0 &&
        ::mount(nullptr, data_dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | extra, nullptr) != 0)
      mount_failed("bind", device, data_dir);
    return handle;
  }
  std::string source = device.empty() ? type : device;
  if (::mount(source.c_str(), data_dir.c_str(), type.c_str(), o.flags,
              o.data.empty() ? nullptr : o.data.c_str()) != 0)
    mount_failed(type, device, data_dir);
  return MountHandle(data_dir);
}

}  // namespace berth::volumes
