// A duration as docker shows one in `ps` ("Less than a second", "1 second", "About a minute",
// "3 hours", "2 weeks", ...): docker's own wording, which scripts and eyes know.
#pragma once

#include <string>

namespace berth::cli {

std::string human_duration(long seconds);

}  // namespace berth::cli
