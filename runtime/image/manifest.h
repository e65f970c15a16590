// Image manifests and indexes (manifest lists) of the OCI image spec and Docker's schema 2.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace berth::image {

namespace media {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
}  // namespace media

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;

  std::string str() const;  // "linux/arm64/v8"
};

// The host's platform as image indexes name it ("linux/amd64").
Platform host_platform();
// Parses "os/arch[/variant]"; throws berth::Error on anything else.
Platform parse_platform(const std::string& text);

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  Platform platform;  // only in indexes
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
};

bool is_index_media_type(const std::string& media_type);
// Whether a manifest document is an index (manifest list) rather than an image manifest, from
// its mediaType field or, lacking one, its shape.
bool is_index_document(const std::string& json);

// Parse and validate (digests well-formed, sizes non-negative); throw berth::Error with `what`
// naming the document.
Manifest parse_manifest(const std::string& json, const std::string& what = "manifest");
Index parse_index(const std::string& json, const std::string& what = "image index");
std::string manifest_json(const Manifest& manifest);
std::string index_json(const Index& index);

// The manifest in `index` for `want`: exact os/arch, variant matched when both name one (an
// arm64 entry without variant counts as v8). Throws berth::Error listing what is offered.
const Descriptor& select_platform(const Index& index, const Platform& want);

}  // namespace berth::image
