#include "runtime/container/detach_keys.h"

namespace berth::runtime {

namespace {
constexpr char kCtrlP = 0x10;
constexpr char kCtrlQ = 0x11;
}  // namespace

DetachKeys::Result DetachKeys::feed(std::string_view typed) {
  Result result;
  for (char c : typed) {
    if (held_) {
      held_ = false;
      if (c == kCtrlQ) {
        result.detach = true;
        return result;
      }
      result.forward += kCtrlP;
    }
    if (c == kCtrlP) held_ = true;
    else result.forward += c;
  }
  return result;
}

std::string DetachKeys::flush() {
  if (!held_) return {};
  held_ = false;
  return std::string(1, kCtrlP);
}

}  // namespace berth::runtime
