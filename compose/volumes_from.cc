#include "compose/volumes_from.h"

#include <vector>

namespace berth::compose {

namespace {

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) return parts;
    start = colon + 1;
  }
}

bool is_mode(std::string_view s) { return s == "ro" || s == "rw"; }

}  // namespace

std::optional<VolumesFromRef> parse_volumes_from(std::string_view text) {
  std::vector<std::string_view> parts = split(text);
  VolumesFromRef ref;
  size_t name_at = 0;
  if (parts[0] == "container" && parts.size() >= 2) {
    ref.kind = VolumesFromRef::Kind::container;
    name_at = 1;
  } else if (parts[0] == "service" && parts.size() >= 2 && !(parts.size() == 2 && is_mode(parts[1]))) {
    name_at = 1;
  }
  if (parts.size() > name_at + 2) return std::nullopt;
  ref.name = std::string(parts[name_at]);
  if (ref.name.empty()) return std::nullopt;
  if (parts.size() == name_at + 2) {
    if (!is_mode(parts[name_at + 1])) return std::nullopt;
    ref.read_only = parts[name_at + 1] == "ro";
  }
  return ref;
}

std::string volumes_from_service(std::string_view text) {
  auto ref = parse_volumes_from(text);
  return ref && ref->kind == VolumesFromRef::Kind::service ? ref->name : "";
}

}  // namespace berth::compose
