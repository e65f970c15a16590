// Builds tar archives in memory for tests: image layers (good and malicious), and OCI image
// archives made of them. Written with libarchive's writer, which puts down any path it is given
// ("../x", "/abs"), so tests can hand berth exactly the bad input they mean.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace berth::test {

struct TarEntry {
  TarEntry(std::string path_, char type_ = 'f', std::string content_ = {}, std::string link_ = {},
           unsigned mode_ = 0644, int uid_ = 0, int gid_ = 0, unsigned major_ = 0,
           unsigned minor_ = 0, std::map<std::string, std::string> xattrs_ = {})
      : path(std::move(path_)), type(type_), content(std::move(content_)), link(std::move(link_)),
        mode(mode_), uid(uid_), gid(gid_), rdev_major(major_), rdev_minor(minor_),
        xattrs(std::move(xattrs_)) {}

  std::string path;
  char type = 'f';  // f file, d dir, l symlink, h hardlink, c char device, b block device, p fifo
  std::string content;
  std::string link;  // symlink or hardlink target
  unsigned mode = 0644;
  int uid = 0;
  int gid = 0;
  unsigned rdev_major = 0;
  unsigned rdev_minor = 0;
  std::map<std::string, std::string> xattrs;
};

enum class Compression { none, gzip, zstd };

std::string make_tar(const std::vector<TarEntry>& entries, Compression compression = Compression::none);

// "sha256:<hex>" of `data`.
std::string sha256(const std::string& data);

struct TestLayer {
  std::string blob;  // as stored (maybe compressed)
  std::string diff_id;
  std::string media_type;
};
TestLayer make_layer(const std::vector<TarEntry>& entries, Compression compression = Compression::none);

// An OCI image archive (oci-layout, index.json, blobs/) of one image with `layers` (bottom
// first), tagged `ref_name` (e.g. "localhost/test:1"), with config `config_fields` merged into
// its config section (a JSON object text, e.g. R"({"Cmd":["sh"]})").
std::string make_oci_archive(const std::vector<TestLayer>& layers, const std::string& ref_name,
                             const std::string& config_fields = "{}");

}  // namespace berth::test
