// Image references as docker has them: [registry[:port]/]repository[:tag][@sha256:digest], with
// docker.io as the default registry, "library/" for its official images and "latest" as the
// default tag.
#pragma once

#include <string>
#include <string_view>

namespace berth::image {

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "ghcr.io"
  std::string repository;  // "library/busybox", "team/app"
  std::string tag;         // "latest" when neither tag nor digest was given; "" with a digest only
  std::string digest;      // "sha256:..." or ""

  // "docker.io/library/busybox" (no tag or digest).
  std::string name() const;
  // The full normalised form: "docker.io/library/busybox:latest", "...@sha256:...".
  std::string str() const;
  // The short form docker prints: "busybox:latest", "localhost:5000/app:1".
  std::string familiar() const;
  // The host to talk to: docker.io's API lives at registry-1.docker.io.
  std::string api_host() const;

  bool operator==(const Reference&) const = default;
};

// Parses and normalises; throws berth::Error saying what is wrong with `text`.
Reference parse_reference(std::string_view text);

}  // namespace berth::image
