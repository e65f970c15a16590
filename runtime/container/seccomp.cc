#include "runtime/container/seccomp.h"

#include <sys/utsname.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/error.h"

namespace berth::runtime {

using nlohmann::json;

// Every member read below is checked with contains() or read with at(): operator[] on a const
// json with a missing key reads past the end of the map (undefined behaviour, a crash at random).
namespace {
bool contains(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  return std::any_of(list.begin(), list.end(),
                     [&](const json& v) { return v.is_string() && v.get<std::string>() == value; });
}

// The seccomp architecture of each Go architecture name.
std::string seccomp_arch(const std::string& go_arch) {
  if (go_arch == "amd64") return "SCMP_ARCH_X86_64";
  if (go_arch == "arm64") return "SCMP_ARCH_AARCH64";
  if (go_arch == "s390x") return "SCMP_ARCH_S390X";
  if (go_arch == "ppc64le") return "SCMP_ARCH_PPC64LE";
  if (go_arch == "riscv64") return "SCMP_ARCH_RISCV64";
  return {};
}

// A rule applies when every capability it includes is held, none it excludes is, and the
// architecture matches its includes/excludes.
bool rule_applies(const json& rule, const std::vector<std::string>& caps,
                  const std::string& go_arch) {
  auto held = [&](const std::string& cap) {
    return std::find(caps.begin(), caps.end(), cap) != caps.end();
  };
  if (rule.contains("includes") && rule["includes"].is_object()) {
    const json& inc = rule["includes"];
    if (inc.contains("arches") && !inc["arches"].empty() && !contains(inc["arches"], go_arch))
      return false;
    if (inc.contains("caps") && inc["caps"].is_array())
      for (const auto& c : inc["caps"])
        if (!held(c.get<std::string>())) return false;
  }
  if (rule.contains("excludes") && rule["excludes"].is_object()) {
    const json& exc = rule["excludes"];
    if (exc.contains("arches") && contains(exc["arches"], go_arch)) return false;
    if (exc.contains("caps") && exc["caps"].is_array())
      for (const auto& c : exc["caps"])
        if (held(c.get<std::string>())) return false;
  }
  return true;
}
}  // namespace

std::string translate_seccomp_profile(const std::string& profile,
                                      const std::vector<std::string>& caps,
                                      const std::string& go_arch, const std::string& source) {
  json in;
  try {
    in = json::parse(profile);
  } catch (const json::exception& e) {
    throw Error("cannot parse the seccomp profile " + source + ": " + e.what(),
                "a profile is JSON in Docker's seccomp format");
  }
  if (!in.is_object() || !in.contains("defaultAction"))
    throw Error("the seccomp profile " + source + " has no defaultAction",
                "a profile is JSON in Docker's seccomp format");
  try {
    json out;
    out["defaultAction"] = in["defaultAction"];
    if (in.contains("defaultErrnoRet")) out["defaultErrnoRet"] = in["defaultErrnoRet"];
    json arches = json::array();
    std::string native = seccomp_arch(go_arch);
    if (in.contains("archMap")) {
      for (const auto& entry : in["archMap"]) {
        if (entry.value("architecture", "") != native) continue;
        arches.push_back(native);
        for (const auto& sub : entry.value("subArchitectures", json::array())) arches.push_back(sub);
      }
    } else if (in.contains("architectures")) {
      arches = in["architectures"];
    }
    if (!arches.empty()) out["architectures"] = arches;
    json syscalls = json::array();
    for (const auto& rule : in.value("syscalls", json::array())) {
      if (!rule_applies(rule, caps, go_arch)) continue;
      json names = rule.contains("names") ? rule["names"] : json::array();
      if (rule.contains("name") && rule["name"].is_string()) names.push_back(rule["name"]);
      if (names.empty()) continue;
      json call;
      call["names"] = names;
      call["action"] = rule.at("action");
      if (rule.contains("errnoRet")) call["errnoRet"] = rule["errnoRet"];
      json args = json::array();
      if (rule.contains("args") && rule["args"].is_array())
        for (const auto& a : rule["args"]) {
          json arg = {{"index", a.at("index")}, {"value", a.at("value")}, {"op", a.at("op")}};
          if (a.value("valueTwo", 0ULL) != 0) arg["valueTwo"] = a["valueTwo"];
          args.push_back(arg);
        }
      if (!args.empty()) call["args"] = args;
      syscalls.push_back(call);
    }
    out["syscalls"] = syscalls;
    return out.dump();
  } catch (const json::exception& e) {
    throw Error("the seccomp profile " + source + " is malformed: " + e.what(),
                "a profile is JSON in Docker's seccomp format");
  }
}

std::string host_go_arch() {
  struct utsname u {};
  ::uname(&u);
  std::string machine = u.machine;
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64") return "arm64";
  if (machine == "i686" || machine == "i386") return "386";
  return machine;  // s390x, ppc64le, riscv64 are spelled alike
}

}  // namespace berth::runtime
