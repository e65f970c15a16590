#include "network/dns/wire.h"

#include <cctype>
#include <cstdio>

namespace berth::network::dns {

namespace {
constexpr uint16_t kFlagQR = 0x8000;
constexpr uint16_t kFlagAA = 0x0400;
constexpr uint16_t kFlagRD = 0x0100;
constexpr uint16_t kFlagRA = 0x0080;
constexpr uint16_t kOpcodeMask = 0x7800;
constexpr size_t kHeader = 12;

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

void put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}
void put32(Bytes& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v & 0xffff));
}

// Reads a possibly compressed name at `pos`; returns the position after it (in the original
// stream) or nullopt. Follows at most 16 pointers so a loop cannot hang us.
std::optional<size_t> read_name(const uint8_t* data, size_t size, size_t pos, std::string& name) {
  name.clear();
  std::optional<size_t> end;
  for (int jumps = 0; jumps < 16;) {
    if (pos >= size) return std::nullopt;
    uint8_t len = data[pos];
    if (len == 0) {
      if (!end) end = pos + 1;
      return end;
    }
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= size) return std::nullopt;
      if (!end) end = pos + 2;
      pos = static_cast<size_t>(((len & 0x3f) << 8) | data[pos + 1]);
      ++jumps;
      continue;
    }
    if ((len & 0xc0) != 0 || pos + 1 + len > size) return std::nullopt;
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(data + pos + 1), len);
    if (name.size() > 253) return std::nullopt;
    pos += 1 + len;
  }
  return std::nullopt;
}

// Writes `name` as labels; false when a label is empty or longer than 63 bytes.
bool write_name(Bytes& out, const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    size_t len = dot - start;
    if (len == 0 || len > 63) return false;
    out.push_back(static_cast<uint8_t>(len));
    out.insert(out.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return true;
}

void put_header(Bytes& out, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an) {
  put16(out, id);
  put16(out, flags);
  put16(out, qd);
  put16(out, an);
  put16(out, 0);
  put16(out, 0);
}

uint16_t response_flags(uint16_t query_flags, uint8_t rcode) {
  return static_cast<uint16_t>(kFlagQR | kFlagAA | kFlagRA | (query_flags & (kOpcodeMask | kFlagRD)) |
                               (rcode & 0x0f));
}
}  // namespace

std::string canonical_name(const std::string& name) {
  std::string out = name;
  while (!out.empty() && out.back() == '.') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<Query> parse_query(const uint8_t* data, size_t size) {
  if (size < kHeader) return std::nullopt;
  Query q;
  q.id = get16(data);
  q.flags = get16(data + 2);
  if (q.flags & kFlagQR) return std::nullopt;
  if (get16(data + 4) == 0) return std::nullopt;
  auto pos = read_name(data, size, kHeader, q.name);
  if (!pos || *pos + 4 > size) return std::nullopt;
  q.type = get16(data + *pos);
  q.klass = get16(data + *pos + 2);
  return q;
}

Bytes build_response(const Query& q, const std::vector<IpAddress>& addresses, uint8_t rcode,
                     uint32_t ttl) {
  std::vector<IpAddress> answers;
  for (const auto& a : addresses)
    if ((q.type == kTypeA && a.is_v4()) || (q.type == kTypeAAAA && !a.is_v4())) answers.push_back(a);
  Bytes out;
  put_header(out, q.id, response_flags(q.flags, rcode), 1, static_cast<uint16_t>(answers.size()));
  if (!write_name(out, q.name)) return build_error(q.id, q.flags, kFormErr);
  put16(out, q.type);
  put16(out, q.klass);
  for (const auto& a : answers) {
    put16(out, 0xc000 | kHeader);  // the name: a pointer to the question's
    put16(out, q.type);
    put16(out, kClassIN);
    put32(out, ttl);
    put16(out, static_cast<uint16_t>(a.size()));
    out.insert(out.end(), a.bytes(), a.bytes() + a.size());
  }
  return out;
}

Bytes build_error(uint16_t id, uint16_t flags, uint8_t rcode) {
  Bytes out;
  put_header(out, id, response_flags(flags, rcode), 0, 0);
  return out;
}

Bytes build_query(uint16_t id, const std::string& name, uint16_t type) {
  Bytes out;
  put_header(out, id, kFlagRD, 1, 0);
  write_name(out, name);
  put16(out, type);
  put16(out, kClassIN);
  return out;
}

std::optional<Response> parse_response(const uint8_t* data, size_t size) {
  if (size < kHeader) return std::nullopt;
  Response r;
  r.id = get16(data);
  uint16_t flags = get16(data + 2);
  if (!(flags & kFlagQR)) return std::nullopt;
  r.rcode = static_cast<uint8_t>(flags & 0x0f);
  uint16_t qd = get16(data + 4);
  uint16_t an = get16(data + 6);
  size_t pos = kHeader;
  std::string name;
  for (uint16_t i = 0; i < qd; ++i) {
    auto next = read_name(data, size, pos, name);
    if (!next || *next + 4 > size) return std::nullopt;
    pos = *next + 4;
  }
  for (uint16_t i = 0; i < an; ++i) {
    auto next = read_name(data, size, pos, name);
    if (!next || *next + 10 > size) return std::nullopt;
    pos = *next;
    uint16_t type = get16(data + pos);
    uint16_t rdlen = get16(data + pos + 8);
    pos += 10;
    if (pos + rdlen > size) return std::nullopt;
    if (type == kTypeA && rdlen == 4) {
      uint32_t v = (uint32_t{data[pos]} << 24) | (uint32_t{data[pos + 1]} << 16) |
                   (uint32_t{data[pos + 2]} << 8) | data[pos + 3];
      r.addresses.push_back(IpAddress::v4(v));
    } else if (type == kTypeAAAA && rdlen == 16) {
      char text[64];
      // Rebuild through text so IpAddress keeps one way in.
      std::snprintf(text, sizeof text, "%x:%x:%x:%x:%x:%x:%x:%x", get16(data + pos),
                    get16(data + pos + 2), get16(data + pos + 4), get16(data + pos + 6),
                    get16(data + pos + 8), get16(data + pos + 10), get16(data + pos + 12),
                    get16(data + pos + 14));
      if (auto a = IpAddress::parse(text)) r.addresses.push_back(*a);
    }
    pos += rdlen;
  }
  return r;
}

}  // namespace berth::network::dns
