// Where berth keeps its state. Both roots can be moved by environment variables, which the tests
// use to keep their state apart from a user's.
#pragma once

#include <filesystem>

namespace berth::paths {

// Persistent: images, layers, volumes, container records. $BERTH_ROOT, else /var/lib/berth.
std::filesystem::path state_root();
// Volatile (cleared on reboot): bundles, network namespaces, sockets. $BERTH_RUN_ROOT, else
// /run/berth.
std::filesystem::path run_root();

}  // namespace berth::paths
