// A file tree described line by line (type, mode, owner, size, content hash, link target, device
// numbers, overlay xattrs), so that tests can compare two trees byte for byte with one EXPECT.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace berth::test {

// Path (relative to `root`) -> description. The root itself is not included.
std::map<std::string, std::string> describe_tree(const std::filesystem::path& root);

}  // namespace berth::test
