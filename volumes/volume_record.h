// What berth knows about one named volume, as stored in <state_root>/volumes/<name>/volume.json.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::volumes {

// Labels berth (like docker compose) puts on the volumes it creates for a project.
inline constexpr const char* kProjectLabel = "com.docker.compose.project";
inline constexpr const char* kVolumeLabel = "com.docker.compose.volume";
// Set on anonymous volumes, as Docker does.
inline constexpr const char* kAnonymousLabel = "com.docker.volume.anonymous";
// The container an anonymous volume belongs to, and where in it: a recreated container of the
// same name finds its anonymous volumes again by these.
inline constexpr const char* kContainerLabel = "berth.container";
inline constexpr const char* kTargetLabel = "berth.container.target";

struct VolumeRecord {
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> driver_opts;  // local driver: type, device, o
  std::map<std::string, std::string> labels;
  std::string created;              // RFC 3339, UTC
  std::vector<std::string> users;   // containers that mount it now (rm and prune spare these)

  bool anonymous() const { return labels.count(kAnonymousLabel) != 0; }
};

std::string to_json(const VolumeRecord& record);
// `where` names the file in errors.
VolumeRecord volume_record_from_json(const std::string& text, const std::string& where);

}  // namespace berth::volumes
