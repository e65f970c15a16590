// Running code with its own working directory. chdir is process-wide, and berth unpacks layers and
// mounts overlays from several threads at once, so the work runs on a thread that first unshares
// its filesystem context (CLONE_FS): its chdir and umask affect that thread alone.
#pragma once

#include <filesystem>
#include <functional>

namespace berth::runtime {

// Runs `fn` on a fresh thread whose working directory is `dir` and umask 022; waits for it and
// rethrows what it threw.
void run_in_directory(const std::filesystem::path& dir, const std::function<void()>& fn);

}  // namespace berth::runtime
