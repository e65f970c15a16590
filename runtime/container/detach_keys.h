// Docker's detach sequence, ctrl-p ctrl-q, spotted in what the user types. A ctrl-p is held back
// until the next byte shows whether it starts the sequence; anything else passes through.
#pragma once

#include <string>
#include <string_view>

namespace berth::runtime {

class DetachKeys {
 public:
  struct Result {
    std::string forward;  // bytes for the container
    bool detach = false;  // the sequence was typed (nothing after it is forwarded)
  };
  Result feed(std::string_view typed);
  // A ctrl-p held back at the end of the input (the user's stdin ended): forward it then.
  std::string flush();

 private:
  bool held_ = false;
};

}  // namespace berth::runtime
