#include "stack/resources.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "util/fs.h"
#include "util/paths.h"

namespace berth::stack {

namespace {
std::filesystem::path dir() { return paths::state_root() / "stack"; }

nlohmann::json mounts_to_json(const std::vector<runtime::Mount>& mounts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : mounts)
    out.push_back({{"destination", m.destination}, {"type", m.type}, {"source", m.source}, {"options", m.options}});
  return out;
}

std::vector<runtime::Mount> mounts_from_json(const nlohmann::json& j) {
  std::vector<runtime::Mount> out;
  if (!j.is_array()) return out;
  for (const auto& m : j) {
    if (!m.is_object()) continue;
    out.push_back({m.value("destination", ""), m.value("type", ""), m.value("source", ""),
                   m.value("options", std::vector<std::string>{})});
  }
  return out;
}
std::filesystem::path file_of(const std::string& id) { return dir() / (id + ".json"); }
}  // namespace

void save_resources(const ContainerResources& r) {
  nlohmann::json j = {{"id", r.id},           {"name", r.name},
                      {"project", r.project}, {"rootfs", r.rootfs},
                      {"netns", r.netns},     {"networks", r.networks},
                      {"volumes", r.volumes}, {"anonymous_volumes", r.anonymous_volumes},
                      {"mounts", mounts_to_json(r.mounts)}, {"file_objects", r.file_objects}};
  std::filesystem::create_directories(dir());
  fs::write_file_atomic(file_of(r.id), j.dump(1) + "\n");
}

std::optional<ContainerResources> load_resources(const std::string& id) {
  auto text = fs::read_file_if_exists(file_of(id));
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  ContainerResources r;
  r.id = j.value("id", id);
  r.name = j.value("name", "");
  r.project = j.value("project", "");
  r.rootfs = j.value("rootfs", "");
  r.netns = j.value("netns", "");
  r.networks = j.value("networks", std::vector<std::string>{});
  r.volumes = j.value("volumes", std::vector<std::string>{});
  r.anonymous_volumes = j.value("anonymous_volumes", std::vector<std::string>{});
  if (j.contains("mounts")) r.mounts = mounts_from_json(j["mounts"]);
  r.file_objects = j.value("file_objects", false);
  return r;
}

void forget_resources(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove(file_of(id), ec);
}

std::vector<ContainerResources> list_resources() {
  std::vector<ContainerResources> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir(), ec)) {
    if (entry.path().extension() != ".json") continue;
    if (auto r = load_resources(entry.path().stem().string())) out.push_back(*r);
  }
  return out;
}

}  // namespace berth::stack
