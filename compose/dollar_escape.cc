#include "compose/dollar_escape.h"

#include <vector>

namespace berth::compose {

void escape_dollars(Node& tree) {
  std::vector<Node*> stack{&tree};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (n->is_scalar()) {
      const std::string& text = n->text();
      if (text.find('$') == std::string::npos) continue;
      std::string out;
      out.reserve(text.size() + 4);
      for (char c : text) {
        out += c;
        if (c == '$') out += '$';
      }
      n->set_text(std::move(out));
    } else if (n->is_sequence()) {
      for (Node& item : n->items()) stack.push_back(&item);
    } else if (n->is_mapping()) {
      for (auto& e : n->entries()) stack.push_back(&e.value);
    }
  }
}

}  // namespace berth::compose
