#include "compose/template.h"

#include <optional>
#include <utility>

#include "util/error.h"

namespace berth::compose {

namespace {

constexpr const char* kFormsHint =
    "the forms are $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, "
    "${VAR:+alt} and ${VAR+alt}; write $$ for a literal $";

bool is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// What a braced reference does after its name.
enum class Op {
  Plain,               // ${VAR}
  DefaultUnsetOrEmpty,  // ${VAR:-word}
  DefaultUnset,         // ${VAR-word}
  RequireNonEmpty,      // ${VAR:?word}
  RequireSet,           // ${VAR?word}
  AltNonEmpty,          // ${VAR:+word}
  AltSet,               // ${VAR+word}
};

// A recursive-descent expander over one string. `out == nullptr` means "parse only": the branch
// is not taken, so nothing is looked up, reported or produced, but its syntax is still checked.
class Expander {
 public:
  Expander(std::string_view text, const Lookup& lookup, const UnsetHandler& on_unset,
           size_t max_output)
      : text_(text), lookup_(lookup), on_unset_(on_unset), max_output_(max_output) {}

  std::string run() {
    std::string out;
    out.reserve(text_.size());
    expand(&out, /*in_word=*/false, 0);
    return out;
  }

 private:
  // Expands from pos_ to the end of the text or, inside a word (the part after an operator), to
  // the `}` closing it, which is consumed. Plain braces inside a word must balance, as in
  // compose-go: `${A:-{"k":1}}` has the default `{"k":1}`. Returns whether a closing `}` was met.
  bool expand(std::string* out, bool in_word, int depth) {
    int braces = 0;
    const char* stops = in_word ? "${}" : "$";
    while (pos_ < text_.size()) {
      size_t next = text_.find_first_of(stops, pos_);
      if (next == std::string_view::npos) next = text_.size();
      append(out, text_.substr(pos_, next - pos_));
      pos_ = next;
      if (pos_ == text_.size()) break;
      char c = text_[pos_];
      if (c == '$') {
        expand_dollar(out, depth);
      } else if (c == '{') {
        ++braces;
        append(out, "{");
        ++pos_;
      } else if (braces == 0) {  // the `}` closing the word
        ++pos_;
        return true;
      } else {
        --braces;
        append(out, "}");
        ++pos_;
      }
    }
    return false;
  }

  // At a `$`.
  void expand_dollar(std::string* out, int depth) {
    size_t start = pos_++;
    if (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '$') {
        ++pos_;
        append(out, "$");
        return;
      }
      if (is_name_start(c)) {
        substitute_plain(out, scan_name());
        return;
      }
      if (c == '{') {
        ++pos_;
        expand_braced(out, start, depth + 1);
        return;
      }
    }
    append(out, "$");  // a lone `$` stays, as in compose-go: "$5", "a $ b", "cost$"
  }

  // After `${`; `start` is the offset of the `$`.
  void expand_braced(std::string* out, size_t start, int depth) {
    if (depth > kMaxTemplateNesting) {
      throw Error("variable references are nested more than " +
                      std::to_string(kMaxTemplateNesting) + " levels deep",
                  "simplify the nested defaults");
    }
    if (pos_ >= text_.size()) throw unterminated(start);
    if (!is_name_start(text_[pos_])) throw bad_name(start);
    std::string name = scan_name();
    Op op = scan_op(start);
    if (op == Op::Plain) {
      substitute_plain(out, name);
      return;
    }
    std::optional<std::string> value;
    if (out) value = lookup_(name);
    bool set = value.has_value();
    bool non_empty = set && !value->empty();
    bool use_word = false;
    switch (op) {
      case Op::DefaultUnsetOrEmpty: use_word = !non_empty; break;
      case Op::DefaultUnset: use_word = !set; break;
      case Op::RequireNonEmpty: use_word = !non_empty; break;  // the word is the error message
      case Op::RequireSet: use_word = !set; break;
      case Op::AltNonEmpty: use_word = non_empty; break;
      case Op::AltSet: use_word = set; break;
      case Op::Plain: break;
    }
    std::string word;
    if (!expand(out && use_word ? &word : nullptr, /*in_word=*/true, depth)) {
      throw unterminated(start);
    }
    if (!out) return;
    switch (op) {
      case Op::DefaultUnsetOrEmpty:
      case Op::DefaultUnset: append(out, use_word ? word : *value); break;
      case Op::AltNonEmpty:
      case Op::AltSet: append(out, use_word ? word : std::string()); break;
      case Op::RequireNonEmpty:
      case Op::RequireSet:
        if (use_word) throw missing_required(name, word);
        append(out, *value);
        break;
      case Op::Plain: break;
    }
  }

  // After the name of a braced reference: `}` or an operator (consumed).
  Op scan_op(size_t start) {
    if (pos_ >= text_.size()) throw unterminated(start);
    char c = text_[pos_];
    if (c == '}') {
      ++pos_;
      return Op::Plain;
    }
    bool colon = c == ':';
    size_t at = pos_ + (colon ? 1 : 0);
    if (at >= text_.size()) throw unterminated(start);
    Op op;
    switch (text_[at]) {
      case '-': op = colon ? Op::DefaultUnsetOrEmpty : Op::DefaultUnset; break;
      case '?': op = colon ? Op::RequireNonEmpty : Op::RequireSet; break;
      case '+': op = colon ? Op::AltNonEmpty : Op::AltSet; break;
      default: throw bad_operator(start, pos_);
    }
    pos_ = at + 1;
    return op;
  }

  std::string scan_name() {
    size_t begin = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(begin, pos_ - begin));
  }

  void substitute_plain(std::string* out, const std::string& name) {
    if (!out) return;
    std::optional<std::string> value = lookup_(name);
    if (!value) {
      if (on_unset_) on_unset_(name);
      return;  // an unset variable gives "" (with a warning, from the handler)
    }
    append(out, *value);
  }

  void append(std::string* out, std::string_view piece) {
    if (!out || piece.empty()) return;
    if (piece.size() > max_output_ || out->size() > max_output_ - piece.size()) {
      throw Error("interpolation makes this value larger than " + std::to_string(max_output_) +
                      " bytes",
                  "check for variables that repeat each other many times");
    }
    out->append(piece);
  }

  // The reference starting at `start`, to its closing brace if any, shortened for messages.
  std::string reference_text(size_t start) const {
    constexpr size_t kShown = 60;
    size_t end = start;
    int depth = 0;
    while (end < text_.size()) {
      char c = text_[end++];
      if (c == '{') ++depth;
      if (c == '}' && --depth <= 0) break;
    }
    std::string_view ref = text_.substr(start, end - start);
    if (ref.size() <= kShown) return std::string(ref);
    return std::string(ref.substr(0, kShown)) + "...";
  }

  Error unterminated(size_t start) const {
    return Error("unterminated variable reference \"" + reference_text(start) +
                     "\": no closing }",
                 std::string("close it with }, or write $$ for a literal $"));
  }

  Error bad_name(size_t start) const {
    std::string ref = reference_text(start);
    if (ref == "${}") return Error("empty variable reference \"${}\"", kFormsHint);
    return Error("invalid variable name in \"" + ref + "\"",
                 std::string("a name is letters, digits and _ and does not start with a digit; ") +
                     kFormsHint);
  }

  Error bad_operator(size_t start, size_t at) const {
    return Error("unsupported substitution \"" + std::string(1, text_[at]) + "\" in \"" +
                     reference_text(start) + "\"",
                 kFormsHint);
  }

  static Error missing_required(const std::string& name, const std::string& message) {
    std::string what = "required variable " + name + " is missing a value";
    if (!message.empty()) what += ": " + message;
    return Error(std::move(what),
                 "set " + name + " in the environment or in the project's .env file");
  }

  std::string_view text_;
  const Lookup& lookup_;
  const UnsetHandler& on_unset_;
  size_t max_output_;
  size_t pos_ = 0;
};

}  // namespace

std::string expand_template(std::string_view text, const Lookup& lookup,
                            const UnsetHandler& on_unset, size_t max_output) {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  return Expander(text, lookup, on_unset, max_output).run();
}

}  // namespace berth::compose
