#include "network/mac.h"

#include <cctype>

#include "network/ifname.h"

namespace berth::network {

namespace {
// "02" and five octets from the first ten hex digits of `hex`.
std::string local_mac(const std::string& hex) {
  std::string mac = "02";
  for (size_t i = 0; i < 10; i += 2) mac += ":" + hex.substr(i, 2);
  return mac;
}
}  // namespace

std::string bridge_mac(const std::string& network_id) { return local_mac(network_id); }

std::string container_mac(const std::string& container, const std::string& network) {
  return local_mac(short_hash("mac\n" + network + "\n" + container));
}

std::string canonical_mac(std::string mac) {
  for (char& c : mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mac;
}

}  // namespace berth::network
