// The local driver's driver_opts (type, device, o): a mount(2) onto the volume's data directory,
// made when a container is about to use the volume.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "volumes/mount_handle.h"

namespace berth::volumes {

// Checks a driver and its options before anything is created: only "local" (or "") is known, and
// its options are type, device and o; device without type (or the reverse) makes no mount.
void check_driver(const std::string& driver, const std::map<std::string, std::string>& opts);

// Mounts what `opts` describe onto `data_dir`. Empty opts: nothing to mount, an empty handle.
// type=none with o=bind (or rbind) binds the host directory `device`; any other type is given to
// mount(2) as is, with the generic flags of `o` as flags and the rest (nfs addr=..., tmpfs
// size=...) as file-system data.
// The kernel's nfs client takes the server as an address (addr=...), not a name: a host name
// there is resolved (IPv4 first), as Docker's local driver does. Other options are kept as they
// are. A name that does not resolve is an error.
std::string resolve_nfs_addr(const std::string& data);

MountHandle mount_driver_opts(const std::map<std::string, std::string>& opts,
                              const std::filesystem::path& data_dir);

}  // namespace berth::volumes
