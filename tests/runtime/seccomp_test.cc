#include "runtime/container/seccomp.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/container/spec.h"
#include "util/error.h"
#include "util/fs.h"

namespace berth::runtime {
namespace {

using nlohmann::json;

const char* kProfile = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 38,
  "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
  ],
  "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "args": [], "includes": {}, "excludes": {}},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
  ]
})";

json translate(const std::vector<std::string>& caps, const std::string& arch = "amd64") {
  return json::parse(translate_seccomp_profile(kProfile, caps, arch, "test"));
}

std::vector<std::string> names_with(const json& j, const std::string& action) {
  std::vector<std::string> names;
  for (const auto& s : j["syscalls"])
    if (s["action"] == action)
      for (const auto& n : s["names"]) names.push_back(n);
  return names;
}

TEST(Seccomp, KeepsDefaultsAndTheNativeArchitectures) {
  auto j = translate({});
  EXPECT_EQ(j["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(j["defaultErrnoRet"], 38);
  EXPECT_EQ(j["architectures"],
            json::array({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  EXPECT_EQ(translate({}, "arm64")["architectures"],
            json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
}

TEST(Seccomp, CapabilitiesChooseTheRules) {
  auto plain = translate({"CAP_CHOWN"});
  EXPECT_EQ(names_with(plain, "SCMP_ACT_ALLOW"),
            (std::vector<std::string>{"read", "write", "arch_prctl", "personality"}));
  EXPECT_EQ(names_with(plain, "SCMP_ACT_ERRNO"), (std::vector<std::string>{"mount"}));
  auto admin = translate({"CAP_SYS_ADMIN"});
  EXPECT_EQ(names_with(admin, "SCMP_ACT_ALLOW"),
            (std::vector<std::string>{"read", "write", "mount", "arch_prctl", "personality"}));
  EXPECT_TRUE(names_with(admin, "SCMP_ACT_ERRNO").empty());
}

TEST(Seccomp, ArchitectureRulesAndArguments) {
  auto arm = translate({}, "arm64");
  auto allowed = names_with(arm, "SCMP_ACT_ALLOW");
  EXPECT_EQ(std::count(allowed.begin(), allowed.end(), "arch_prctl"), 0);
  for (const auto& s : translate({})["syscalls"]) {
    if (s["names"][0] == "personality") {
      EXPECT_EQ(s["args"], json::parse(R"([{"index":0,"value":8,"op":"SCMP_CMP_EQ"}])"));
    }
    if (s["names"][0] == "mount") {
      EXPECT_EQ(s["errnoRet"], 1);
    }
  }
}

TEST(Seccomp, MalformedProfilesAreClearErrors) {
  EXPECT_THROW(translate_seccomp_profile("{", {}, "amd64", "p.json"), Error);
  EXPECT_THROW(translate_seccomp_profile("{}", {}, "amd64", "p.json"), Error);
  // A rule without its action, an argument without its operator: errors, not guesses.
  EXPECT_THROW(translate_seccomp_profile(
                   R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"]}]})", {}, "amd64", "p.json"),
               Error);
  EXPECT_THROW(translate_seccomp_profile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                   {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1}]}]})",
                                         {}, "amd64", "p.json"),
               Error);
}

// Excludes with capabilities only (no arches), as in containers-common's profile: the rule holds
// for every architecture unless a capability excludes it.
TEST(Seccomp, ExcludesWithoutArchesApplyOnEveryArchitecture) {
  const char* profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["reboot"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_BOOT"]}}]})";
  for (const char* arch : {"amd64", "arm64", "s390x"}) {
    auto j = json::parse(translate_seccomp_profile(profile, {}, arch, "p.json"));
    ASSERT_EQ(j["syscalls"].size(), 1u) << arch;
    EXPECT_EQ(j["syscalls"][0]["names"], json::array({"reboot"}));
    EXPECT_TRUE(json::parse(translate_seccomp_profile(profile, {"CAP_SYS_BOOT"}, arch, "p.json"))["syscalls"].empty());
  }
}

TEST(Seccomp, TheContainersCommonProfileTranslates) {
  auto text = fs::read_file_if_exists(kDefaultSeccompProfile);
  if (!text) GTEST_SKIP() << kDefaultSeccompProfile << " is not installed";
  auto j = json::parse(translate_seccomp_profile(*text, default_capabilities(), "amd64", "x"));
  auto allowed = names_with(j, "SCMP_ACT_ALLOW");
  auto has = [&](const char* name) {
    return std::count(allowed.begin(), allowed.end(), name) > 0;
  };
  EXPECT_TRUE(has("read"));
  EXPECT_TRUE(has("chroot"));        // CAP_SYS_CHROOT is in the default set
  EXPECT_FALSE(has("bpf"));          // CAP_SYS_ADMIN is not: denied with EPERM
  EXPECT_FALSE(has("kexec_load"));   // never
  auto denied = names_with(j, "SCMP_ACT_ERRNO");
  EXPECT_EQ(std::count(denied.begin(), denied.end(), "bpf"), 1);
  auto admin = json::parse(translate_seccomp_profile(*text, {"CAP_SYS_ADMIN"}, "amd64", "x"));
  auto admin_allowed = names_with(admin, "SCMP_ACT_ALLOW");
  EXPECT_EQ(std::count(admin_allowed.begin(), admin_allowed.end(), "bpf"), 1);
}

}  // namespace
}  // namespace berth::runtime
