#include "runtime/image/config.h"

#include <nlohmann/json.hpp>

#include "runtime/image/digest.h"
#include "util/error.h"

namespace berth::image {

using nlohmann::json;

namespace {

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (it->is_string()) return {it->get<std::string>()};  // a few old images have a bare string
  for (const auto& v : *it) out.push_back(v.get<std::string>());
  return out;
}

std::string string_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::set<std::string> object_keys(const json& j, const char* key) {
  std::set<std::string> out;
  auto it = j.find(key);
  if (it != j.end() && it->is_object())
    for (const auto& [k, v] : it->items()) out.insert(k);
  return out;
}

int64_t number_or_zero(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

}  // namespace

ImageConfig parse_image_config(const std::string& text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(std::string("image config is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) throw Error("image config is not a JSON object");
  ImageConfig c;
  try {
    c.os = string_or_empty(doc, "os");
    c.architecture = string_or_empty(doc, "architecture");
    c.variant = string_or_empty(doc, "variant");
    c.created = string_or_empty(doc, "created");
    auto rootfs = doc.find("rootfs");
    if (rootfs == doc.end() || !rootfs->is_object())
      throw Error("image config has no rootfs section", "the config blob is not an image config");
    c.diff_ids = strings(*rootfs, "diff_ids");
    for (const auto& d : c.diff_ids) digest_hex(d, "layer diff_id in image config");
    auto cfg = doc.find("config");
    if (cfg == doc.end() || !cfg->is_object()) return c;
    const json& p = *cfg;
    c.entrypoint = strings(p, "Entrypoint");
    if (auto it = p.find("Cmd"); it != p.end() && !it->is_null()) c.cmd = strings(p, "Cmd");
    c.env = strings(p, "Env");
    c.working_dir = string_or_empty(p, "WorkingDir");
    c.user = string_or_empty(p, "User");
    c.exposed_ports = object_keys(p, "ExposedPorts");
    c.volumes = object_keys(p, "Volumes");
    c.stop_signal = string_or_empty(p, "StopSignal");
    if (auto it = p.find("Labels"); it != p.end() && it->is_object())
      for (const auto& [k, v] : it->items()) c.labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
    if (auto it = p.find("Healthcheck"); it != p.end() && it->is_object()) {
      Healthcheck h;
      h.test = strings(*it, "Test");
      h.interval_ns = number_or_zero(*it, "Interval");
      h.timeout_ns = number_or_zero(*it, "Timeout");
      h.start_period_ns = number_or_zero(*it, "StartPeriod");
      h.start_interval_ns = number_or_zero(*it, "StartInterval");
      h.retries = static_cast<int>(number_or_zero(*it, "Retries"));
      c.healthcheck = h;
    }
  } catch (const json::exception& e) {
    throw Error(std::string("image config has a field of the wrong type: ") + e.what());
  }
  return c;
}

std::string image_config_json(const ImageConfig& c) {
  json p = json::object();
  if (!c.entrypoint.empty()) p["Entrypoint"] = c.entrypoint;
  if (c.cmd) p["Cmd"] = *c.cmd;
  if (!c.env.empty()) p["Env"] = c.env;
  if (!c.working_dir.empty()) p["WorkingDir"] = c.working_dir;
  if (!c.user.empty()) p["User"] = c.user;
  if (!c.stop_signal.empty()) p["StopSignal"] = c.stop_signal;
  auto set_object = [&](const char* key, const std::set<std::string>& keys) {
    if (keys.empty()) return;
    json o = json::object();
    for (const auto& k : keys) o[k] = json::object();
    p[key] = o;
  };
  set_object("ExposedPorts", c.exposed_ports);
  set_object("Volumes", c.volumes);
  if (!c.labels.empty()) p["Labels"] = c.labels;
  if (c.healthcheck) {
    json h = {{"Test", c.healthcheck->test}};
    if (c.healthcheck->interval_ns) h["Interval"] = c.healthcheck->interval_ns;
    if (c.healthcheck->timeout_ns) h["Timeout"] = c.healthcheck->timeout_ns;
    if (c.healthcheck->start_period_ns) h["StartPeriod"] = c.healthcheck->start_period_ns;
    if (c.healthcheck->start_interval_ns) h["StartInterval"] = c.healthcheck->start_interval_ns;
    if (c.healthcheck->retries) h["Retries"] = c.healthcheck->retries;
    p["Healthcheck"] = h;
  }
  json doc = {{"architecture", c.architecture},
              {"os", c.os},
              {"config", p},
              {"rootfs", {{"type", "layers"}, {"diff_ids", c.diff_ids}}}};
  if (!c.variant.empty()) doc["variant"] = c.variant;
  if (!c.created.empty()) doc["created"] = c.created;
  return doc.dump();
}

}  // namespace berth::image
