#include "compose/short_syntax.h"

#include <cctype>
#include <charconv>
#include <optional>

namespace berth::compose {

namespace {

struct PortRange {
  uint32_t start = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - start; }
};

std::optional<uint32_t> parse_port_number(std::string_view s) {
  uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v > 65535) return std::nullopt;
  return v;
}

std::optional<PortRange> parse_port_range(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    auto p = parse_port_number(s);
    if (!p) return std::nullopt;
    return PortRange{*p, *p};
  }
  auto a = parse_port_number(s.substr(0, dash));
  auto b = parse_port_number(s.substr(dash + 1));
  if (!a || !b || *b < *a) return std::nullopt;
  return PortRange{*a, *b};
}

Node text(const std::string& s, const Mark& m) { return Node::scalar(s, m); }
Node number(uint32_t v, const Mark& m) { return Node::scalar(std::to_string(v), m, false); }

const char* kPortForm =
    "write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. \"8080:80\", "
    "\"127.0.0.1:5000-5010:5000-5010/udp\", or use the long syntax";

}  // namespace

std::vector<Node> parse_port_short(const Node& origin, const std::string& path) {
  const Mark& m = origin.mark();
  std::string spec = origin.text();
  auto fail = [&](const std::string& why) -> Error {
    return node_error(origin, path, "invalid port '" + spec + "': " + why, kPortForm);
  };
  std::string protocol = "tcp";
  std::string rest = spec;
  if (size_t slash = rest.rfind('/'); slash != std::string::npos) {
    protocol = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
      throw fail("the protocol must be tcp, udp or sctp");
  }
  // Split from the right: the container port, then the host port, and the rest is the IP
  // (which may itself hold colons: "[::1]:80:80" or "::1:80:80").
  std::string ip, host, container;
  size_t last = rest.rfind(':');
  if (last == std::string::npos) {
    container = rest;
  } else {
    container = rest.substr(last + 1);
    std::string left = rest.substr(0, last);
    size_t second = left.rfind(':');
    if (second == std::string::npos) {
      host = left;
    } else {
      host = left.substr(second + 1);
      ip = left.substr(0, second);
    }
  }
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (!ip.empty() && ip.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos)
    throw fail("'" + ip + "' is not an IP address");
  auto target = parse_port_range(container);
  if (!target) throw fail("'" + container + "' is not a port or a port range");
  std::optional<PortRange> published;
  if (!host.empty()) {
    published = parse_port_range(host);
    if (!published) throw fail("'" + host + "' is not a port or a port range");
    if (published->size() != target->size() && target->size() != 0)
      throw fail("the host and container port ranges differ in size");
  }
  std::vector<Node> out;
  for (uint32_t i = 0; i <= target->size(); ++i) {
    Node port = Node::mapping(m);
    port.set("mode", text("ingress", m));
    if (!ip.empty()) port.set("host_ip", text(ip, m));
    port.set("target", number(target->start + i, m));
    if (published) {
      std::string p;
      if (target->size() == 0 && published->size() != 0)
        p = std::to_string(published->start) + "-" + std::to_string(published->end);
      else
        p = std::to_string(published->start + i);
      port.set("published", text(p, m));
    }
    port.set("protocol", text(protocol, m));
    out.push_back(std::move(port));
  }
  return out;
}

namespace {

}  // namespace

bool is_windows_path(const std::string& s) {
  return s.size() >= 3 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == ':' &&
         (s[2] == '\\' || s[2] == '/');
}

namespace {

bool is_file_path(const std::string& source) {
  if (source.empty()) return false;
  return source[0] == '.' || source[0] == '/' || source[0] == '~' || is_windows_path(source);
}

bool is_propagation(const std::string& o) {
  return o == "shared" || o == "rshared" || o == "slave" || o == "rslave" || o == "private" ||
         o == "rprivate";
}

std::string clean_target(const std::string& target) {
  // path.Clean for absolute container paths: collapse "//", "/./", trailing "/".
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= target.size()) {
    size_t j = target.find('/', i);
    if (j == std::string::npos) j = target.size();
    std::string part = target.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = target.empty() || target[0] == '/' ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? "/" : "") + parts[k];
  return out.empty() ? "." : out;
}

}  // namespace

Node parse_volume_short(const Node& origin, const std::string& path) {
  const Mark& m = origin.mark();
  const std::string& spec = origin.text();
  auto fail = [&](const std::string& why) -> Error {
    return node_error(origin, path, "invalid volume '" + spec + "': " + why,
                      "write [SOURCE:]TARGET[:MODE], e.g. \"./data:/data:ro\" or "
                      "\"db-data:/var/lib/db\", or use the long syntax");
  };
  if (spec.empty()) throw fail("it is empty");
  std::vector<std::string> parts;
  // A Windows drive ("C:\\data") is a source, not a section.
  size_t start = 0;
  size_t scan = is_windows_path(spec) ? 2 : 0;
  for (size_t i = scan; i <= spec.size(); ++i) {
    if (i == spec.size() || spec[i] == ':') {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  }
  for (const auto& p : parts)
    if (p.empty()) throw fail("a section between colons is empty");
  if (parts.size() > 3) throw fail("too many colons");
  std::string source, target, options;
  if (parts.size() == 1) {
    target = parts[0];
  } else {
    source = parts[0];
    target = parts[1];
    if (parts.size() == 3) options = parts[2];
  }
  Node v = Node::mapping(m);
  bool bind = is_file_path(source);
  v.set("type", text(source.empty() ? "volume" : bind ? "bind" : "volume", m));
  if (!source.empty()) v.set("source", text(source, m));
  v.set("target", text(clean_target(target), m));
  Node bind_opts = Node::mapping(m);
  Node volume_opts = Node::mapping(m);
  size_t o = 0;
  while (!options.empty() && o <= options.size()) {
    size_t comma = options.find(',', o);
    if (comma == std::string::npos) comma = options.size();
    std::string opt = options.substr(o, comma - o);
    o = comma + 1;
    if (opt == "ro") v.set("read_only", Node::scalar("true", m, false));
    else if (opt == "rw") v.erase("read_only");
    else if (opt == "nocopy") volume_opts.set("nocopy", Node::scalar("true", m, false));
    else if (is_propagation(opt)) bind_opts.set("propagation", text(opt, m));
    else if (opt == "z" || opt == "Z") bind_opts.set("selinux", text(opt, m));
    else if (opt == "cached" || opt == "delegated" || opt == "consistent") v.set("consistency", text(opt, m));
    else throw fail("unknown option '" + opt + "' (known: ro, rw, z, Z, nocopy, shared, rshared, "
                    "slave, rslave, private, rprivate, cached, delegated, consistent)");
    if (comma == options.size()) break;
  }
  if (bind) {
    bind_opts.set("create_host_path", Node::scalar("true", m, false));
    v.set("bind", std::move(bind_opts));
  } else {
    if (bind_opts.size() > 0) throw fail("bind options apply to host paths, not to volumes");
    v.set("volume", std::move(volume_opts));
  }
  return v;
}

Node parse_device_short(const Node& origin, const std::string& path) {
  const Mark& m = origin.mark();
  const std::string& spec = origin.text();
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= spec.size(); ++i) {
    if (i == spec.size() || spec[i] == ':') {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  }
  if (spec.empty() || parts.size() > 3 || parts[0].empty())
    throw node_error(origin, path, "invalid device '" + spec + "'",
                     "write HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]], e.g. /dev/ttyUSB0:/dev/ttyUSB0:rwm");
  std::string source = parts[0];
  std::string target = parts.size() > 1 ? parts[1] : source;
  std::string permissions = parts.size() > 2 ? parts[2] : "rwm";
  // "/dev/x:rwm": the second part is permissions when it looks like them.
  if (parts.size() == 2 && target.find_first_not_of("rwm") == std::string::npos) {
    permissions = target;
    target = source;
  }
  Node d = Node::mapping(m);
  d.set("source", text(source, m));
  d.set("target", text(target, m));
  d.set("permissions", text(permissions, m));
  return d;
}

}  // namespace berth::compose
