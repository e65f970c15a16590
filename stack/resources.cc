#include "stack/resources.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "util/fs.h"
#include "util/paths.h"

namespace berth::stack {

namespace {
std::filesystem::path dir() { return paths::state_root() / "stack"; }
std::filesystem::path file_of(const std::string& id) { return dir() / (id + ".json"); }
}  // namespace

void save_resources(const ContainerResources& r) {
  nlohmann::json j = {{"id", r.id},           {"name", r.name},
                      {"project", r.project}, {"rootfs", r.rootfs},
                      {"netns", r.netns},     {"networks", r.networks},
                      {"volumes", r.volumes}, {"anonymous_volumes", r.anonymous_volumes},
                      {"file_objects", r.file_objects}};
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
