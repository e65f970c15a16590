#include "runtime/image/manifest.h"

#include <sys/utsname.h>

#include <nlohmann/json.hpp>

#include "runtime/image/digest.h"
#include "util/error.h"

namespace berth::image {

using nlohmann::json;

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Platform host_platform() {
  struct utsname u {};
  ::uname(&u);
  std::string m = u.machine;
  if (m == "x86_64") return {"linux", "amd64", ""};
  if (m == "aarch64" || m == "arm64") return {"linux", "arm64", "v8"};
  if (m == "armv7l") return {"linux", "arm", "v7"};
  if (m == "armv6l") return {"linux", "arm", "v6"};
  if (m == "i686" || m == "i386") return {"linux", "386", ""};
  return {"linux", m, ""};  // ppc64le, s390x, riscv64 are named as the kernel names them
}

Platform parse_platform(const std::string& text) {
  Platform p;
  size_t a = text.find('/');
  if (a == std::string::npos || a == 0)
    throw Error("invalid platform '" + text + "'", "use os/arch[/variant], e.g. linux/arm64");
  p.os = text.substr(0, a);
  size_t b = text.find('/', a + 1);
  p.architecture = text.substr(a + 1, b == std::string::npos ? b : b - a - 1);
  if (b != std::string::npos) p.variant = text.substr(b + 1);
  if (p.architecture.empty() || (b != std::string::npos && p.variant.empty()) ||
      p.variant.find('/') != std::string::npos)
    throw Error("invalid platform '" + text + "'", "use os/arch[/variant], e.g. linux/arm64");
  return p;
}

bool is_index_media_type(const std::string& media_type) {
  return media_type == media::kOciIndex || media_type == media::kDockerList;
}

namespace {

json parse_json(const std::string& text, const std::string& what) {
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) throw Error(what + " is not a JSON object");
    return doc;
  } catch (const json::exception& e) {
    throw Error(what + " is not valid JSON: " + e.what());
  }
}

Descriptor parse_descriptor(const json& j, const std::string& what) {
  if (!j.is_object()) throw Error(what + ": a descriptor is not an object");
  Descriptor d;
  d.media_type = j.value("mediaType", "");
  d.digest = j.value("digest", "");
  d.size = j.value("size", int64_t{0});
  digest_hex(d.digest, "digest in " + what);
  if (d.size < 0) throw Error(what + ": negative size for " + d.digest);
  if (auto p = j.find("platform"); p != j.end() && p->is_object()) {
    d.platform.os = p->value("os", "");
    d.platform.architecture = p->value("architecture", "");
    d.platform.variant = p->value("variant", "");
  }
  if (auto a = j.find("annotations"); a != j.end() && a->is_object())
    for (const auto& [k, v] : a->items())
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
  return d;
}

json descriptor_json(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.platform.os.empty()) {
    j["platform"] = {{"os", d.platform.os}, {"architecture", d.platform.architecture}};
    if (!d.platform.variant.empty()) j["platform"]["variant"] = d.platform.variant;
  }
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  return j;
}

}  // namespace

bool is_index_document(const std::string& text) {
  json doc = parse_json(text, "manifest");
  std::string mt = doc.value("mediaType", "");
  if (!mt.empty()) return is_index_media_type(mt);
  return doc.contains("manifests") && !doc.contains("layers");
}

Manifest parse_manifest(const std::string& text, const std::string& what) {
  json doc = parse_json(text, what);
  try {
    if (doc.value("schemaVersion", 0) != 2)
      throw Error(what + " has schemaVersion " + std::to_string(doc.value("schemaVersion", 0)) +
                      ", berth reads schema 2 only",
                  "push the image again with a current tool (docker schema 1 is deprecated)");
    Manifest m;
    m.media_type = doc.value("mediaType", media::kOciManifest);
    if (is_index_media_type(m.media_type)) throw Error(what + " is an index, not an image manifest");
    if (!doc.contains("config")) throw Error(what + " has no config descriptor");
    m.config = parse_descriptor(doc["config"], what);
    if (auto l = doc.find("layers"); l != doc.end() && l->is_array())
      for (const auto& d : *l) m.layers.push_back(parse_descriptor(d, what));
    return m;
  } catch (const json::exception& e) {
    throw Error(what + " has a field of the wrong type: " + e.what());
  }
}

Index parse_index(const std::string& text, const std::string& what) {
  json doc = parse_json(text, what);
  try {
    Index idx;
    idx.media_type = doc.value("mediaType", media::kOciIndex);
    auto m = doc.find("manifests");
    if (m == doc.end() || !m->is_array()) throw Error(what + " has no manifests list");
    for (const auto& d : *m) idx.manifests.push_back(parse_descriptor(d, what));
    return idx;
  } catch (const json::exception& e) {
    throw Error(what + " has a field of the wrong type: " + e.what());
  }
}

std::string manifest_json(const Manifest& m) {
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(descriptor_json(l));
  json doc = {{"schemaVersion", 2},
              {"mediaType", m.media_type},
              {"config", descriptor_json(m.config)},
              {"layers", layers}};
  return doc.dump();
}

std::string index_json(const Index& idx) {
  json manifests = json::array();
  for (const auto& d : idx.manifests) manifests.push_back(descriptor_json(d));
  json doc = {{"schemaVersion", 2}, {"mediaType", idx.media_type}, {"manifests", manifests}};
  return doc.dump();
}

const Descriptor& select_platform(const Index& index, const Platform& want) {
  auto variant_of = [](const Platform& p) {
    if (p.architecture == "arm64" && p.variant.empty()) return std::string("v8");
    return p.variant;
  };
  const Descriptor* loose = nullptr;
  for (const auto& d : index.manifests) {
    if (d.platform.os != want.os || d.platform.architecture != want.architecture) continue;
    if (variant_of(d.platform) == variant_of(want)) return d;
    if (want.variant.empty() && !loose) loose = &d;
  }
  if (loose) return *loose;
  std::string offered;
  for (const auto& d : index.manifests) {
    if (d.platform.os.empty() || d.platform.os == "unknown") continue;  // attestations
    offered += (offered.empty() ? "" : ", ") + d.platform.str();
  }
  throw Error("the image has no variant for platform " + want.str(),
              offered.empty() ? "the image index names no platforms"
                              : "it offers " + offered + "; choose one with --platform");
}

}  // namespace berth::image
