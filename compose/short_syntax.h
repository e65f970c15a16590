// Parsers for the short syntax of ports, volumes and devices. Each returns the long form as
// tree nodes (carrying `origin`'s mark) or throws a berth::Error that says what is wrong and
// shows the expected form.
#pragma once

#include <string>
#include <vector>

#include "compose/node.h"

namespace berth::compose {

// "C:\\path" or "C:/path": kept as written, never made relative to the project.
bool is_windows_path(const std::string& path);

// "[[ip:]published:]target[/protocol]" with ranges; an integer is a target.
std::vector<Node> parse_port_short(const Node& origin, const std::string& path);
// "[source:]target[:options]".
Node parse_volume_short(const Node& origin, const std::string& path);
// "source[:target[:permissions]]".
Node parse_device_short(const Node& origin, const std::string& path);

}  // namespace berth::compose
