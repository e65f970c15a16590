#include "network/ifname.h"

#include <cstdint>
#include <cstdio>

namespace berth::network {

bool valid_ifname(const std::string& name) {
  if (name.empty() || name.size() > kMaxIfname || name == "." || name == "..") return false;
  for (char c : name)
    if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\0') return false;
  return true;
}

std::string short_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 12);
}

std::string bridge_name_for(const std::string& network, const std::string& scope) {
  std::string plain = "berth-" + network;
  if (valid_ifname(plain)) return plain;
  return "bt-" + short_hash(scope + "\n" + network);
}

std::string host_veth_name(const std::string& container, const std::string& network,
                           const std::string& scope) {
  return "vb-" + short_hash(scope + "\n" + network + "\n" + container);
}

}  // namespace berth::network
