// IP addresses and subnets (IPv4 and IPv6) as plain values: parsing, printing, arithmetic.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

namespace berth::network {

class IpAddress {
 public:
  enum class Family { v4, v6 };

  IpAddress() = default;
  static IpAddress v4(uint32_t host_order);
  // nullopt when `text` is neither a dotted quad nor an IPv6 address.
  static std::optional<IpAddress> parse(const std::string& text);
  // Throws berth::Error naming `what` when `text` is not an address.
  static IpAddress parse_or_throw(const std::string& text, const std::string& what);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  int bits() const { return is_v4() ? 32 : 128; }
  // Network-order bytes: 4 for IPv4, 16 for IPv6.
  const uint8_t* bytes() const { return bytes_.data(); }
  size_t size() const { return is_v4() ? 4 : 16; }
  std::string str() const;

  // This address plus `n` (wrapping is the caller's concern: stay inside a subnet).
  IpAddress plus(uint64_t n) const;
  // The address with all bits after `prefix` cleared (or set, for last()).
  IpAddress masked(int prefix) const;
  IpAddress with_host_bits_set(int prefix) const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  Family family_ = Family::v4;
  std::array<uint8_t, 16> bytes_{};
};

// A subnet: "172.18.0.0/16", "fd00::/64". The address is kept as written; network() masks it.
class Cidr {
 public:
  Cidr() = default;
  Cidr(IpAddress address, int prefix) : address_(address), prefix_(prefix) {}
  static std::optional<Cidr> parse(const std::string& text);
  static Cidr parse_or_throw(const std::string& text, const std::string& what);

  const IpAddress& address() const { return address_; }
  int prefix() const { return prefix_; }
  IpAddress network() const { return address_.masked(prefix_); }
  IpAddress last() const { return address_.with_host_bits_set(prefix_); }
  bool is_v4() const { return address_.is_v4(); }
  bool contains(const IpAddress& a) const;
  bool contains(const Cidr& other) const;
  bool overlaps(const Cidr& other) const;
  // The `n`th address of the subnet (0 is the network address).
  IpAddress host(uint64_t n) const { return network().plus(n); }
  // "172.18.0.0/16": the network address, masked.
  std::string str() const;

  auto operator<=>(const Cidr&) const = default;

 private:
  IpAddress address_;
  int prefix_ = 0;
};

}  // namespace berth::network
