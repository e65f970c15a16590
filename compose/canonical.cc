#include "compose/canonical.h"

#include "compose/shell_words.h"
#include "compose/short_syntax.h"

namespace berth::compose {

namespace {

using Transform = void (*)(Node&, const std::string&);

// A scalar value as the string the model wants (numbers and booleans keep their text).
void stringify(Node& n) {
  if (n.is_scalar()) n.set_quoted(true);
}

// "value" -> ["value"]
void string_to_list(Node& n, const std::string&) {
  if (n.is_scalar()) {
    Node list = Node::sequence(n.mark());
    n.set_quoted(true);
    list.push_back(std::move(n));
    n = std::move(list);
  }
  if (n.is_sequence())
    for (Node& item : n.items()) stringify(item);
}

// ["A=b", "C"] -> {A: b, C: <missing>}. `missing_is_null` says what a key without '=' gets:
// null (environment: resolved later from the shell) or "" (labels).
void list_to_map(Node& n, const std::string& path, bool missing_is_null, char sep = '=') {
  if (n.is_sequence()) {
    Node map = Node::mapping(n.mark());
    for (size_t i = 0; i < n.items().size(); ++i) {
      const Node& item = n.items()[i];
      if (!item.is_scalar())
        throw node_error(item, path_index(path, i), "must be a string KEY=VALUE",
                         "write each entry as KEY=VALUE");
      const std::string& t = item.text();
      size_t eq = t.find(sep);
      Node value = eq == std::string::npos
                       ? (missing_is_null ? Node::null(item.mark()) : Node::scalar("", item.mark()))
                       : Node::scalar(t.substr(eq + 1), item.mark());
      map.set(t.substr(0, eq), std::move(value), item.mark());
    }
    n = std::move(map);
    return;
  }
  if (n.is_mapping()) {
    for (auto& e : n.entries()) {
      if (e.value.is_scalar() && !e.value.plain_null()) {
        stringify(e.value);
      } else if (e.value.plain_null()) {
        e.value = missing_is_null ? Node::null(e.value.mark()) : Node::scalar("", e.value.mark());
      } else {
        throw node_error(e.value, path_join(path, e.key),
                         std::string("must be a string, a number or a boolean, not a ") +
                             e.value.kind_name(),
                         "quote the value");
      }
    }
  }
}

void env_map(Node& n, const std::string& path) { list_to_map(n, path, true); }
void label_map(Node& n, const std::string& path) { list_to_map(n, path, false); }

// command/entrypoint: a string is split into words as a shell would.
void command_words(Node& n, const std::string& path) {
  if (n.is_scalar() && !n.plain_null()) {
    auto words = split_shell_words(n.text());
    if (!words)
      throw node_error(n, path, "a quote is not closed in '" + n.text() + "'",
                       "close the quote, or write the command as a list");
    Node list = Node::sequence(n.mark());
    for (auto& w : *words) list.push_back(Node::scalar(std::move(w), n.mark()));
    n = std::move(list);
  } else if (n.is_sequence()) {
    for (Node& item : n.items()) stringify(item);
  }
}

void healthcheck(Node& n, const std::string& path) {
  if (!n.is_mapping()) return;
  if (Node* test = n.find("test")) {
    if (test->is_scalar() && !test->plain_null()) {
      Node list = Node::sequence(test->mark());
      list.push_back(Node::scalar("CMD-SHELL", test->mark()));
      list.push_back(Node::scalar(test->text(), test->mark()));
      *test = std::move(list);
    } else if (test->is_sequence()) {
      for (Node& item : test->items()) stringify(item);
    }
  }
  (void)path;
}

void ports(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  Node out = Node::sequence(n.mark());
  for (size_t i = 0; i < n.items().size(); ++i) {
    Node& item = n.items()[i];
    if (item.is_scalar()) {
      for (Node& p : parse_port_short(item, path_index(path, i))) out.push_back(std::move(p));
    } else {
      if (item.is_mapping())
        if (Node* published = item.find("published")) stringify(*published);
      out.push_back(std::move(item));
    }
  }
  n = std::move(out);
}

void expose(Node& n, const std::string& path) { string_to_list(n, path); }

void volumes(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  for (size_t i = 0; i < n.items().size(); ++i) {
    Node& item = n.items()[i];
    if (item.is_scalar()) item = parse_volume_short(item, path_index(path, i));
  }
}

void devices(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  for (size_t i = 0; i < n.items().size(); ++i) {
    Node& item = n.items()[i];
    if (item.is_scalar()) item = parse_device_short(item, path_index(path, i));
  }
}

// secrets/configs of a service: "name" -> {source: name}.
void file_references(Node& n, const std::string&) {
  if (!n.is_sequence()) return;
  for (Node& item : n.items()) {
    if (item.is_scalar()) {
      Node ref = Node::mapping(item.mark());
      ref.set("source", Node::scalar(item.text(), item.mark()));
      item = std::move(ref);
    } else if (item.is_mapping()) {
      for (const char* k : {"uid", "gid"})
        if (Node* v = item.find(k)) stringify(*v);
    }
  }
}

// depends_on: [a, b] -> {a: {condition: service_started}, ...}
void depends_on(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  Node map = Node::mapping(n.mark());
  for (size_t i = 0; i < n.items().size(); ++i) {
    const Node& item = n.items()[i];
    if (!item.is_scalar())
      throw node_error(item, path_index(path, i), "must be a service name",
                       "list service names, or use the long syntax with conditions");
    Node dep = Node::mapping(item.mark());
    dep.set("condition", Node::scalar("service_started", item.mark()));
    map.set(item.text(), std::move(dep), item.mark());
  }
  n = std::move(map);
}

// networks: [a, b] -> {a: null, b: null}
void service_networks(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  Node map = Node::mapping(n.mark());
  for (size_t i = 0; i < n.items().size(); ++i) {
    const Node& item = n.items()[i];
    if (!item.is_scalar())
      throw node_error(item, path_index(path, i), "must be a network name",
                       "list network names, or use the mapping form with options");
    map.set(item.text(), Node::null(item.mark()), item.mark());
  }
  n = std::move(map);
}

// extra_hosts: ["h:ip", "h=ip"] or {h: ip | [ips]} -> ["h=ip", ...]
void extra_hosts(Node& n, const std::string& path) {
  Node out = Node::sequence(n.mark());
  auto add = [&](const std::string& host, const Node& ip) {
    out.push_back(Node::scalar(host + "=" + ip.text(), ip.mark()));
  };
  if (n.is_mapping()) {
    for (const auto& e : n.entries()) {
      if (e.value.is_sequence()) {
        for (const Node& ip : e.value.items()) add(e.key, ip);
      } else if (e.value.is_scalar()) {
        add(e.key, e.value);
      } else {
        throw node_error(e.value, path_join(path, e.key), "must be an IP address or a list of them");
      }
    }
  } else if (n.is_sequence()) {
    for (size_t i = 0; i < n.items().size(); ++i) {
      const Node& item = n.items()[i];
      if (!item.is_scalar())
        throw node_error(item, path_index(path, i), "must be HOST=IP", "write host=ip or host:ip");
      const std::string& t = item.text();
      size_t sep = t.find('=');
      if (sep == std::string::npos) sep = t.find(':');
      if (sep == std::string::npos)
        throw node_error(item, path_index(path, i), "'" + t + "' has no IP address",
                         "write host=ip or host:ip");
      out.push_back(Node::scalar(t.substr(0, sep) + "=" + t.substr(sep + 1), item.mark()));
    }
  } else {
    return;
  }
  n = std::move(out);
}

// env_file: "a.env" | ["a.env", {path, required, format}] -> [{path: a.env}, ...]
void env_file(Node& n, const std::string& path) {
  if (n.is_scalar() && !n.plain_null()) string_to_list(n, path);
  if (!n.is_sequence()) return;
  for (Node& item : n.items()) {
    if (item.is_scalar()) {
      Node ref = Node::mapping(item.mark());
      ref.set("path", Node::scalar(item.text(), item.mark()));
      item = std::move(ref);
    }
  }
}

void ulimits(Node& n, const std::string& path);

void build(Node& n, const std::string& path) {
  if (n.is_scalar() && !n.plain_null()) {
    Node b = Node::mapping(n.mark());
    b.set("context", Node::scalar(n.text(), n.mark()));
    n = std::move(b);
    return;
  }
  if (!n.is_mapping()) return;
  if (Node* args = n.find("args")) env_map(*args, path_join(path, "args"));
  if (Node* labels = n.find("labels")) label_map(*labels, path_join(path, "labels"));
  if (Node* hosts = n.find("extra_hosts")) extra_hosts(*hosts, path_join(path, "extra_hosts"));
  if (Node* secrets = n.find("secrets")) file_references(*secrets, path_join(path, "secrets"));
  if (Node* ctx = n.find("additional_contexts")) label_map(*ctx, path_join(path, "additional_contexts"));
  if (Node* ssh = n.find("ssh")) {
    if (ssh->is_mapping()) {
      Node list = Node::sequence(ssh->mark());
      for (const auto& e : ssh->entries())
        list.push_back(Node::scalar(e.value.plain_null() ? e.key : e.key + "=" + e.value.text(),
                                    e.key_mark));
      *ssh = std::move(list);
    } else {
      string_to_list(*ssh, path);
    }
  }
  if (Node* u = n.find("ulimits")) ulimits(*u, path_join(path, "ulimits"));
  for (const char* k : {"cache_from", "cache_to", "tags", "platforms", "entitlements"})
    if (Node* v = n.find(k)) string_to_list(*v, path_join(path, k));
}

void extends(Node& n, const std::string&) {
  if (n.is_scalar()) {
    Node e = Node::mapping(n.mark());
    e.set("service", Node::scalar(n.text(), n.mark()));
    n = std::move(e);
  }
}

void gpus(Node& n, const std::string&) {
  if (n.is_scalar() && n.text() == "all") {
    Node list = Node::sequence(n.mark());
    Node all = Node::mapping(n.mark());
    all.set("count", Node::scalar("-1", n.mark(), false));
    list.push_back(std::move(all));
    n = std::move(list);
  }
}

void hooks(Node& n, const std::string& path) {
  if (!n.is_sequence()) return;
  for (Node& hook : n.items()) {
    if (!hook.is_mapping()) continue;
    if (Node* c = hook.find("command")) command_words(*c, path);
    if (Node* e = hook.find("environment")) env_map(*e, path);
  }
}

void develop(Node& n, const std::string& path) {
  if (!n.is_mapping()) return;
  Node* watch = n.find("watch");
  if (!watch || !watch->is_sequence()) return;
  for (Node& rule : watch->items()) {
    if (!rule.is_mapping()) continue;
    for (const char* k : {"ignore", "include"})
      if (Node* v = rule.find(k)) string_to_list(*v, path);
    if (Node* exec = rule.find("exec"); exec && exec->is_mapping()) {
      if (Node* c = exec->find("command")) command_words(*c, path);
      if (Node* e = exec->find("environment")) env_map(*e, path);
    }
  }
}

// build.ulimits also comes as "nofile=1024" or "nproc=1024:2048" (alone or in a list).
void ulimits(Node& n, const std::string& path) {
  if (n.is_scalar() && !n.plain_null()) string_to_list(n, path);
  if (!n.is_sequence()) return;
  Node map = Node::mapping(n.mark());
  for (size_t i = 0; i < n.items().size(); ++i) {
    const Node& item = n.items()[i];
    const std::string& t = item.text();
    size_t eq = t.find('=');
    if (!item.is_scalar() || eq == std::string::npos)
      throw node_error(item, path_index(path, i), "must be NAME=SOFT[:HARD]", "write nofile=1024:2048");
    std::string limits = t.substr(eq + 1);
    size_t colon = limits.find(':');
    if (colon == std::string::npos) {
      map.set(t.substr(0, eq), Node::scalar(limits, item.mark(), false), item.mark());
    } else {
      Node pair = Node::mapping(item.mark());
      pair.set("soft", Node::scalar(limits.substr(0, colon), item.mark(), false));
      pair.set("hard", Node::scalar(limits.substr(colon + 1), item.mark(), false));
      map.set(t.substr(0, eq), std::move(pair), item.mark());
    }
  }
  n = std::move(map);
}

void deploy(Node& n, const std::string& path) {
  if (!n.is_mapping()) return;
  if (Node* labels = n.find("labels")) label_map(*labels, path_join(path, "labels"));
}

void models(Node& n, const std::string& path) { service_networks(n, path); }

struct ServiceRule {
  const char* key;
  Transform transform;
};

constexpr ServiceRule kServiceRules[] = {
    {"build", build},
    {"command", command_words},
    {"entrypoint", command_words},
    {"healthcheck", healthcheck},
    {"environment", env_map},
    {"labels", label_map},
    {"annotations", label_map},
    {"sysctls", label_map},
    {"storage_opt", label_map},
    {"ports", ports},
    {"expose", expose},
    {"volumes", volumes},
    {"devices", devices},
    {"secrets", file_references},
    {"configs", file_references},
    {"depends_on", depends_on},
    {"networks", service_networks},
    {"extra_hosts", extra_hosts},
    {"env_file", env_file},
    {"label_file", string_to_list},
    {"dns", string_to_list},
    {"dns_search", string_to_list},
    {"dns_opt", string_to_list},
    {"tmpfs", string_to_list},
    {"cap_add", string_to_list},
    {"cap_drop", string_to_list},
    {"security_opt", string_to_list},
    {"group_add", string_to_list},
    {"profiles", string_to_list},
    {"external_links", string_to_list},
    {"links", string_to_list},
    {"volumes_from", string_to_list},
    {"device_cgroup_rules", string_to_list},
    {"extends", extends},
    {"gpus", gpus},
    {"post_start", hooks},
    {"pre_stop", hooks},
    {"pre_start", hooks},
    {"develop", develop},
    {"deploy", deploy},
    {"models", models},
};

// networks/volumes/secrets/configs entries: null -> {}, `external: {name: x}` -> name + external.
void top_level_resources(Node& section, const std::string& path) {
  if (!section.is_mapping()) return;
  for (auto& e : section.entries()) {
    std::string p = path_join(path, e.key);
    if (e.value.plain_null()) {
      e.value = Node::mapping(e.value.mark());
      continue;
    }
    if (!e.value.is_mapping()) continue;
    if (Node* ext = e.value.find("external"); ext && ext->is_mapping()) {
      const Node* name = ext->find("name");
      Node name_copy = name ? *name : Node();
      *ext = Node::scalar("true", ext->mark(), false);
      if (!name_copy.is_null()) e.value.set("name", std::move(name_copy));
    }
    if (Node* labels = e.value.find("labels")) label_map(*labels, path_join(p, "labels"));
    if (Node* opts = e.value.find("driver_opts")) label_map(*opts, path_join(p, "driver_opts"));
  }
}

}  // namespace

void canonicalise_service(Node& service, const std::string& path) {
  if (!service.is_mapping()) return;
  for (const ServiceRule& rule : kServiceRules) {
    Node* value = service.find(rule.key);
    if (!value) continue;
    // The transforms build new nodes: keep the !reset / !override the user put on the value.
    std::string tag = value->tag();
    rule.transform(*value, path_join(path, rule.key));
    if (!tag.empty()) value->set_tag(std::move(tag));
  }
}

void canonicalise(Node& document) {
  if (Node* services = document.find("services"); services && !services->is_mapping())
    throw node_error(*services, "services",
                     std::string("must be a mapping of service names to definitions, not ") +
                         (services->is_null() ? "empty" : services->kind_name()),
                     "define at least one service, or remove `services:`");
  if (Node* services = document.find("services"); services && services->is_mapping()) {
    for (auto& e : services->entries()) {
      if (e.value.plain_null()) e.value = Node::mapping(e.value.mark());
      canonicalise_service(e.value, path_join("services", e.key));
    }
  }
  for (const char* section : {"networks", "volumes", "secrets", "configs"})
    if (Node* n = document.find(section)) top_level_resources(*n, section);
}

}  // namespace berth::compose
