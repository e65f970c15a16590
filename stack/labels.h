// The labels berth puts on a project's containers, as docker compose names them, so that tools
// which read them keep working.
#pragma once

namespace berth::stack::labels {

inline constexpr const char* kProject = "com.docker.compose.project";
inline constexpr const char* kService = "com.docker.compose.service";
inline constexpr const char* kNumber = "com.docker.compose.container-number";
inline constexpr const char* kConfigHash = "com.docker.compose.config-hash";
inline constexpr const char* kOneOff = "com.docker.compose.oneoff";
inline constexpr const char* kImage = "com.docker.compose.image";
inline constexpr const char* kWorkingDir = "com.docker.compose.project.working_dir";
inline constexpr const char* kConfigFiles = "com.docker.compose.project.config_files";
inline constexpr const char* kVersion = "com.docker.compose.version";

}  // namespace berth::stack::labels
