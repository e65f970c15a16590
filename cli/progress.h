// How the executor's events are shown: plain lines (pipes, CI, --progress plain), a live line per
// object on a terminal (tty), JSON lines (--progress json), or nothing (quiet).
#pragma once

#include "cli/global_options.h"
#include "stack/events.h"

namespace berth::cli {

stack::EventSink progress_sink(const GlobalOptions& global);

}  // namespace berth::cli
