#include "compose/config_hash.h"

#include <openssl/evp.h>

#include "compose/yaml_writer.h"

namespace berth::compose {

std::string service_config_hash(const Service& service) {
  Service s = service;
  s.build.reset();
  s.pull_policy.clear();
  s.scale.reset();
  s.depends_on.clear();
  s.profiles.clear();
  if (s.deploy) s.deploy->replicas.reset();
  Node tree = encode_service(s);
  // A deploy section that only held replicas (or scale moved there) is left empty.
  if (const Node* deploy = tree.find("deploy"); deploy && deploy->is_mapping() && deploy->size() == 0)
    tree.erase("deploy");
  std::string text = to_json(tree, -1);

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

}  // namespace berth::compose
