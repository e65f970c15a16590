#include "network/ip.h"

#include <arpa/inet.h>

#include <algorithm>

#include <cstring>

#include "util/error.h"

namespace berth::network {

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress a;
  a.family_ = Family::v4;
  uint32_t n = htonl(host_order);
  std::memcpy(a.bytes_.data(), &n, 4);
  return a;
}

std::optional<IpAddress> IpAddress::parse(const std::string& text) {
  IpAddress a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes_.data()) == 1) {
    a.family_ = Family::v4;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes_.data()) == 1) {
    a.family_ = Family::v6;
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::parse_or_throw(const std::string& text, const std::string& what) {
  auto a = parse(text);
  if (!a)
    throw Error(what + ": \"" + text + "\" is not an IP address",
                "write an IPv4 address like 172.20.0.5 or an IPv6 address like fd00::5");
  return *a;
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

IpAddress IpAddress::plus(uint64_t n) const {
  IpAddress out = *this;
  // Add from the least significant byte, carrying upwards.
  uint64_t carry = n;
  for (int i = static_cast<int>(size()) - 1; i >= 0 && carry != 0; --i) {
    uint64_t sum = out.bytes_[static_cast<size_t>(i)] + (carry & 0xff);
    out.bytes_[static_cast<size_t>(i)] = static_cast<uint8_t>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  return out;
}

IpAddress IpAddress::masked(int prefix) const {
  IpAddress out = *this;
  for (int i = 0; i < static_cast<int>(size()); ++i) {
    int keep = std::clamp(prefix - i * 8, 0, 8);
    uint8_t mask = static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    out.bytes_[static_cast<size_t>(i)] &= mask;
  }
  return out;
}

IpAddress IpAddress::with_host_bits_set(int prefix) const {
  IpAddress out = masked(prefix);
  for (int i = 0; i < static_cast<int>(size()); ++i) {
    int keep = std::clamp(prefix - i * 8, 0, 8);
    uint8_t host = static_cast<uint8_t>(keep == 8 ? 0 : 0xff >> keep);
    out.bytes_[static_cast<size_t>(i)] |= host;
  }
  return out;
}

std::optional<Cidr> Cidr::parse(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string len = text.substr(slash + 1);
  if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int prefix = std::stoi(len);
  if (prefix > addr->bits()) return std::nullopt;
  return Cidr(*addr, prefix);
}

Cidr Cidr::parse_or_throw(const std::string& text, const std::string& what) {
  auto c = parse(text);
  if (!c)
    throw Error(what + ": \"" + text + "\" is not a subnet",
                "write it in CIDR form, like 172.20.0.0/16 or fd00:1::/64");
  return *c;
}

bool Cidr::contains(const IpAddress& a) const {
  return a.family() == address_.family() && a.masked(prefix_) == network();
}

bool Cidr::contains(const Cidr& other) const {
  return other.prefix_ >= prefix_ && contains(other.address_);
}

bool Cidr::overlaps(const Cidr& other) const { return contains(other) || other.contains(*this); }

std::string Cidr::str() const { return network().str() + "/" + std::to_string(prefix_); }

}  // namespace berth::network
