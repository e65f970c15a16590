#include "compose/merge.h"

#include <string_view>

namespace berth::compose {

namespace {

enum class SequenceRule { Append, AppendUnique, Replace, ByKey };

// The identity of an entry of a unique-resource list.
using KeyOf = std::string (*)(const Node&);

std::string field_text(const Node& n, std::string_view key) {
  if (!n.is_mapping()) return n.is_scalar() ? n.text() : "";
  const Node* v = n.find(key);
  return v && v->is_scalar() ? v->text() : "";
}

std::string key_by_target(const Node& n) {
  std::string t = field_text(n, "target");
  // secrets/configs without target are keyed by their source (the default target).
  return t.empty() ? "source:" + field_text(n, "source") : t;
}

std::string key_of_port(const Node& n) {
  return field_text(n, "host_ip") + "|" + field_text(n, "target") + "|" +
         field_text(n, "published") + "|" + field_text(n, "protocol");
}

struct Rule {
  std::string_view path;  // with * for any service name
  SequenceRule rule;
  KeyOf key = nullptr;
};

constexpr Rule kRules[] = {
    {"services.*.command", SequenceRule::Replace},
    {"services.*.entrypoint", SequenceRule::Replace},
    {"services.*.healthcheck.test", SequenceRule::Replace},
    {"services.*.profiles", SequenceRule::Replace},
    {"services.*.ports", SequenceRule::ByKey, key_of_port},
    {"services.*.volumes", SequenceRule::ByKey, key_by_target},
    {"services.*.secrets", SequenceRule::ByKey, key_by_target},
    {"services.*.configs", SequenceRule::ByKey, key_by_target},
    {"services.*.devices", SequenceRule::ByKey, key_by_target},
    {"services.*.expose", SequenceRule::AppendUnique},
    {"services.*.dns", SequenceRule::AppendUnique},
    {"services.*.dns_search", SequenceRule::AppendUnique},
    {"services.*.dns_opt", SequenceRule::AppendUnique},
    {"services.*.extra_hosts", SequenceRule::AppendUnique},
    {"services.*.tmpfs", SequenceRule::AppendUnique},
    {"services.*.cap_add", SequenceRule::AppendUnique},
    {"services.*.cap_drop", SequenceRule::AppendUnique},
    {"services.*.security_opt", SequenceRule::AppendUnique},
    {"services.*.env_file", SequenceRule::Append},
    {"services.*.label_file", SequenceRule::AppendUnique},
    {"services.*.build.tags", SequenceRule::AppendUnique},
    {"services.*.build.extra_hosts", SequenceRule::AppendUnique},
};

const Rule* rule_for(std::string_view pattern) {
  for (const Rule& r : kRules)
    if (r.path == pattern) return &r;
  return nullptr;
}

bool same_scalar(const Node& a, const Node& b) {
  return a.is_scalar() && b.is_scalar() && a.text() == b.text();
}

// The pattern for a child: service names (and resource names) become "*".
std::string child_pattern(const std::string& pattern, std::string_view key) {
  if (pattern == "services" || pattern == "networks" || pattern == "volumes" ||
      pattern == "secrets" || pattern == "configs")
    return pattern + ".*";
  return pattern.empty() ? std::string(key) : pattern + "." + std::string(key);
}

void merge_value(Node& base, const Node& over, const std::string& pattern);

void merge_sequence(Node& base, const Node& over, const std::string& pattern) {
  const Rule* rule = rule_for(pattern);
  SequenceRule kind = rule ? rule->rule : SequenceRule::Append;
  if (kind == SequenceRule::Replace) {
    base = over;
    return;
  }
  for (const Node& item : over.items()) {
    if (kind == SequenceRule::AppendUnique) {
      bool seen = false;
      for (const Node& existing : base.items()) seen = seen || same_scalar(existing, item);
      if (!seen) base.push_back(item);
    } else if (kind == SequenceRule::ByKey) {
      std::string key = rule->key(item);
      Node* match = nullptr;
      for (Node& existing : base.items())
        if (rule->key(existing) == key) match = &existing;
      if (match) merge_value(*match, item, pattern + "[]");
      else base.push_back(item);
    } else {
      base.push_back(item);
    }
  }
}

// logging: a different driver replaces the whole section; the same driver merges options.
bool merge_logging(Node& base, const Node& over) {
  std::string a = field_text(base, "driver");
  std::string b = field_text(over, "driver");
  if (!a.empty() && !b.empty() && a != b) {
    base = over;
    return true;
  }
  return false;
}

void merge_mapping(Node& base, const Node& over, const std::string& pattern) {
  if (pattern == "services.*.logging" && merge_logging(base, over)) return;
  for (const auto& e : over.entries()) {
    if (e.value.tag() == "!reset") {
      base.erase(e.key);
      continue;
    }
    Node* existing = base.find(e.key);
    if (!existing || e.value.tag() == "!override") {
      Node copy = e.value;
      apply_tags(copy);
      base.set(e.key, std::move(copy), e.key_mark);
      continue;
    }
    merge_value(*existing, e.value, child_pattern(pattern, e.key));
  }
}

void merge_value(Node& base, const Node& over, const std::string& pattern) {
  if (over.tag() == "!override" || base.kind() != over.kind() || over.is_scalar()) {
    if (over.is_null() && !base.is_null()) return;  // a bare `key:` keeps what was there
    base = over;
    apply_tags(base);
    return;
  }
  if (over.is_mapping()) merge_mapping(base, over, pattern);
  else if (over.is_sequence()) merge_sequence(base, over, pattern);
}

}  // namespace

void apply_tags(Node& n) {
  n.set_tag("");
  if (n.is_mapping()) {
    auto& entries = n.entries();
    for (size_t i = 0; i < entries.size();) {
      if (entries[i].value.tag() == "!reset") {
        entries.erase(entries.begin() + static_cast<long>(i));
        continue;
      }
      apply_tags(entries[i].value);
      ++i;
    }
  } else if (n.is_sequence()) {
    auto& items = n.items();
    for (size_t i = 0; i < items.size();) {
      if (items[i].tag() == "!reset") {
        items.erase(items.begin() + static_cast<long>(i));
        continue;
      }
      apply_tags(items[i]);
      ++i;
    }
  }
}

void merge_documents(Node& base, const Node& over) { merge_value(base, over, ""); }

void merge_service(Node& base, const Node& over) { merge_value(base, over, "services.*"); }

}  // namespace berth::compose
