#include "stack/observe.h"

#include <cstdlib>

#include "network/network.h"
#include "runtime/image/store.h"
#include "stack/labels.h"
#include "util/paths.h"
#include "volumes/volume_store.h"

namespace berth::stack {

std::string label_of(const runtime::ContainerRecord& record, const char* key) {
  auto it = record.labels.find(key);
  return it == record.labels.end() ? std::string() : it->second;
}

std::vector<runtime::ContainerRecord> project_containers(const std::string& project) {
  std::vector<runtime::ContainerRecord> out;
  for (auto& r : runtime::list_records())
    if (label_of(r, labels::kProject) == project) out.push_back(std::move(r));
  return out;
}

compose::Observed observe(const compose::Project& project) {
  compose::Observed o;
  for (const auto& r : project_containers(project.name)) {
    compose::ObservedContainer c;
    c.id = r.id;
    c.name = r.name;
    c.service = label_of(r, labels::kService);
    c.number = std::atoi(label_of(r, labels::kNumber).c_str());
    c.config_hash = label_of(r, labels::kConfigHash);
    c.image_id = label_of(r, labels::kImage);
    c.state = r.status;
    c.one_off = label_of(r, labels::kOneOff) == "True";
    o.containers.push_back(c);
  }
  for (const auto& n : network::list_networks()) o.networks.insert(n.spec.name);
  volumes::VolumeStore volumes;
  for (const auto& v : volumes.list()) o.volumes.insert(v.name);
  image::Store images;
  for (const auto& [name, s] : project.services) {
    std::string ref = s.image.empty() ? project.name + "-" + name : s.image;
    try {
      o.images[ref] = images.find(ref).config_digest;
    } catch (const std::exception&) {
      // not local
    }
  }
  return o;
}

std::filesystem::path project_lock_path(const std::string& project) {
  return paths::state_root() / "projects" / (project + ".lock");
}

}  // namespace berth::stack
