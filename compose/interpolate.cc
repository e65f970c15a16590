#include "compose/interpolate.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "compose/template.h"

namespace berth::compose {

namespace {

// Records unset names once each, in order. Seeded lazily from what `warnings` already holds, so
// a tree with many distinct unset names stays linear.
class UnsetRecorder {
 public:
  explicit UnsetRecorder(InterpolationWarnings* warnings) : warnings_(warnings) {}

  void operator()(std::string_view name) {
    if (!warnings_) return;
    if (!seeded_) {
      seen_.insert(warnings_->unset.begin(), warnings_->unset.end());
      seeded_ = true;
    }
    if (seen_.emplace(name).second) warnings_->unset.emplace_back(name);
  }

 private:
  InterpolationWarnings* warnings_;
  bool seeded_ = false;
  std::unordered_set<std::string> seen_;
};

// expand_template, with the place of the text added to its errors.
std::string expand_at(std::string_view text, const Lookup& lookup, const UnsetHandler& on_unset,
                      size_t max_output, const Mark& mark, const std::string& path) {
  try {
    return expand_template(text, lookup, on_unset, max_output);
  } catch (const Error& e) {
    throw Error(e.message(), e.hint(), mark.location(), path);
  }
}

}  // namespace

std::string interpolate_string(std::string_view text, const Lookup& lookup, const Mark& mark,
                               const std::string& path, InterpolationWarnings* warnings) {
  UnsetRecorder recorder(warnings);
  UnsetHandler on_unset = [&recorder](std::string_view name) { recorder(name); };
  return expand_at(text, lookup, on_unset, text.size() + kMaxInterpolationGrowth, mark, path);
}

void interpolate_tree(Node& root, const Lookup& lookup, InterpolationWarnings* warnings) {
  UnsetRecorder recorder(warnings);
  UnsetHandler on_unset = [&recorder](std::string_view name) { recorder(name); };
  size_t growth = 0;

  // An explicit stack rather than recursion: depth is the YAML reader's business, not ours.
  // Children are pushed in reverse so values are visited (and warnings recorded) in file order.
  struct Pending {
    Node* node;
    std::string path;
  };
  std::vector<Pending> stack;
  stack.push_back({&root, std::string()});
  while (!stack.empty()) {
    Pending at = std::move(stack.back());
    stack.pop_back();
    Node& node = *at.node;
    if (node.is_scalar()) {
      const std::string& text = node.text();
      if (text.find('$') == std::string::npos) continue;
      size_t allowed = std::min(kMaxInterpolationGrowth, kMaxTreeInterpolationGrowth - growth);
      std::string out =
          expand_at(text, lookup, on_unset, text.size() + allowed, node.mark(), at.path);
      if (out.size() > text.size()) growth += out.size() - text.size();
      node.set_text(std::move(out));
    } else if (node.is_sequence()) {
      auto& items = node.items();
      for (size_t i = items.size(); i-- > 0;) stack.push_back({&items[i], path_index(at.path, i)});
    } else if (node.is_mapping()) {
      auto& entries = node.entries();
      for (size_t i = entries.size(); i-- > 0;) {
        stack.push_back({&entries[i].value, path_join(at.path, entries[i].key)});
      }
    }
  }
}

}  // namespace berth::compose
