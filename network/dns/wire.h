// The DNS wire format (RFC 1035), as much of it as a stub resolver's questions and berth's
// answers need. Pure functions over byte buffers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "network/ip.h"

namespace berth::network::dns {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeAAAA = 28;
inline constexpr uint16_t kClassIN = 1;
inline constexpr uint8_t kNoError = 0;
inline constexpr uint8_t kFormErr = 1;
inline constexpr uint8_t kServFail = 2;
inline constexpr uint8_t kNxDomain = 3;
inline constexpr uint8_t kNotImp = 4;
inline constexpr uint8_t kRefused = 5;

using Bytes = std::vector<uint8_t>;

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;
  std::string name;  // dotted, without the trailing dot, as asked (case kept)
  uint16_t type = 0;
  uint16_t klass = 0;
};

// The first question of a query; nullopt when the message is malformed, is a response, or has
// no question.
std::optional<Query> parse_query(const uint8_t* data, size_t size);
inline std::optional<Query> parse_query(const Bytes& b) { return parse_query(b.data(), b.size()); }

// An authoritative answer to `query` with `addresses` (those matching its type) and `rcode`.
Bytes build_response(const Query& query, const std::vector<IpAddress>& addresses, uint8_t rcode,
                     uint32_t ttl = 5);
// The header and question of `query` with an error code and no answers (FORMERR needs only the id).
Bytes build_error(uint16_t id, uint16_t flags, uint8_t rcode);

// A recursive query for `name` (what a client sends).
Bytes build_query(uint16_t id, const std::string& name, uint16_t type);

struct Response {
  uint16_t id = 0;
  uint8_t rcode = 0;
  std::vector<IpAddress> addresses;  // every A/AAAA answer
};
// Reads a response (answers may use name compression); nullopt when malformed.
std::optional<Response> parse_response(const uint8_t* data, size_t size);
inline std::optional<Response> parse_response(const Bytes& b) {
  return parse_response(b.data(), b.size());
}

// Lower case, trailing dot removed: how berth compares names.
std::string canonical_name(const std::string& name);

}  // namespace berth::network::dns
