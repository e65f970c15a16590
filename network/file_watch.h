// The helper processes (DNS responder, port proxy) watch one file of a directory with inotify.
#pragma once

#include <string>

namespace berth::network {

enum class WatchedFile { unchanged, changed, directory_gone };

// Reads every pending event of `inotify_fd` (non-blocking), which watches a directory: whether the
// file `name` in it changed, or the directory itself went away (the run root was removed).
WatchedFile drain_watch(int inotify_fd, const std::string& name);

}  // namespace berth::network
