// Turns a container's mount specs into OCI mounts: binds checked and (when asked) created, named
// and anonymous volumes created and made ready, tmpfs options, subpaths resolved inside their
// volume, volumes_from copied. All checks run before anything is created; a failure afterwards
// removes what this call created.
#pragma once

#include <string>
#include <vector>

#include "runtime/mount.h"
#include "volumes/mount_handle.h"
#include "volumes/mount_spec.h"
#include "volumes/volume_store.h"

namespace berth::volumes {

struct PreparedMounts {
  std::vector<runtime::Mount> mounts;           // in the order of the specs, then volumes_from
  std::vector<std::string> volumes;             // every volume used (named and anonymous)
  std::vector<std::string> anonymous_volumes;   // those that belong to this container
  // Driver mounts (driver_opts) made for this call: they are undone when dropped. Once the
  // container runs, release() them; release_mounts() unmounts them when the last user is gone.
  std::vector<MountHandle> driver_mounts;
};

// Checks that need no change on the system: absolute targets, defined volumes, subpaths that stay
// inside, known propagation modes, bind sources that are not broken symlinks, no target twice.
void check_mounts(const MountRequest& request);

// check_mounts(), then prepares every mount. Volumes used are counted as used by the container.
PreparedMounts prepare_mounts(VolumeStore& store, const MountRequest& request);

// Undoes prepare_mounts() for a container that is removed: `container` (its id) no longer uses
// its volumes (a driver mount kept for it goes when its last user does); with `remove_anonymous`
// (rm -v, down -v) the anonymous volumes of `owner` (MountRequest::anonymous_owner()) are removed
// too.
void release_mounts(VolumeStore& store, const std::string& container, const std::string& owner,
                    const std::vector<std::string>& volumes, bool remove_anonymous);

}  // namespace berth::volumes
