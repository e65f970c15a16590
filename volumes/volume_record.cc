#include "volumes/volume_record.h"

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace berth::volumes {

std::string to_json(const VolumeRecord& r) {
  nlohmann::json j;
  j["Name"] = r.name;
  j["Driver"] = r.driver;
  j["Options"] = r.driver_opts;
  j["Labels"] = r.labels;
  j["CreatedAt"] = r.created;
  j["Users"] = r.users;
  return j.dump(2) + "\n";
}

VolumeRecord volume_record_from_json(const std::string& text, const std::string& where) {
  try {
    auto j = nlohmann::json::parse(text);
    VolumeRecord r;
    r.name = j.at("Name").get<std::string>();
    r.driver = j.value("Driver", std::string("local"));
    r.driver_opts = j.value("Options", std::map<std::string, std::string>{});
    r.labels = j.value("Labels", std::map<std::string, std::string>{});
    r.created = j.value("CreatedAt", std::string());
    r.users = j.value("Users", std::vector<std::string>{});
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error("volume record " + where + " is damaged: " + e.what(),
                "remove the volume with 'berth volume rm -f' and create it again");
  }
}

}  // namespace berth::volumes
