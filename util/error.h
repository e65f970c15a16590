// The one error type of berth: what went wrong, where, and how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace berth {

// A place in a user's file. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return !file.empty(); }
  std::string str() const;  // "file:line:column", or "" when unknown
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string what, std::string hint = {}, SourceLocation where = {},
                 std::string path = {});

  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  const SourceLocation& where() const { return where_; }
  // The attribute path in the blueprint ("services.web.ports[0]"), when there is one.
  const std::string& path() const { return path_; }

  // "file:line:col: services.web.ports[0]: message\n  hint: ..."
  std::string render() const;

 private:
  std::string message_;
  std::string hint_;
  SourceLocation where_;
  std::string path_;
};

}  // namespace berth
