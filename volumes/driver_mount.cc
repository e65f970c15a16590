#include "volumes/driver_mount.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

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
std::string resolve_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0)
    throw Error("cannot resolve nfs server '" + host + "': " + ::gai_strerror(rc),
                "give its address in addr=, or fix the name");
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  const addrinfo* pick = found;
  for (const addrinfo* a = found; a; a = a->ai_next)
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  char text[INET6_ADDRSTRLEN] = {};
  const void* addr =
      pick->ai_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(pick->ai_addr)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(pick->ai_addr)->sin6_addr);
  ::inet_ntop(pick->ai_family, addr, text, sizeof text);
  return text;
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

std::string resolve_nfs_addr(const std::string& data) {
  std::string out;
  std::istringstream in(data);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.rfind("addr=", 0) == 0) {
      std::string host = item.substr(5);
      in6_addr probe{};
      if (::inet_pton(AF_INET, host.c_str(), &probe) != 1 &&
          ::inet_pton(AF_INET6, host.c_str(), &probe) != 1)
        item = "addr=" + resolve_host(host);
    }
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
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
  if (type == "nfs" || type == "nfs4") o.data = resolve_nfs_addr(o.data);
  if (::mount(source.c_str(), data_dir.c_str(), type.c_str(), o.flags,
              o.data.empty() ? nullptr : o.data.c_str()) != 0)
    mount_failed(type, device, data_dir);
  return MountHandle(data_dir);
}

}  // namespace berth::volumes
