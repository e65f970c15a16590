#include "runtime/container/oci_config.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace berth::runtime {
namespace {

using nlohmann::json;

ContainerSpec base_spec() {
  ContainerSpec spec;
  spec.id = std::string(64, 'a');
  spec.rootfs = "/tmp/rootfs";
  spec.process.args = {"/bin/sh"};
  spec.process.env = {"PATH=/bin"};
  spec.hostname = "web";
  spec.seccomp.kind = SeccompSpec::Kind::unconfined;  // the default profile has its own test
  return spec;
}

json build(const ContainerSpec& spec, std::vector<std::string>* warnings_out = nullptr) {
  OciContext context;
  context.etc_dir = "/run/b/etc";
  context.cgroups_path = "/berth/x";
  std::vector<std::string> warnings;
  auto j = json::parse(build_oci_config(spec, context, warnings));
  if (warnings_out) *warnings_out = warnings;
  return j;
}

bool has(const json& list, const std::string& value) {
  for (const auto& v : list)
    if (v == value) return true;
  return false;
}

TEST(Capabilities, DockersDefaultWithoutNetRaw) {
  auto caps = effective_capabilities({});
  EXPECT_EQ(caps, default_capabilities());
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_NET_RAW"), 0);
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_CHOWN"), 1);
}

TEST(Capabilities, AddAndDrop) {
  CapabilitySpec spec;
  spec.add = {"net_admin", "CAP_SYS_PTRACE"};
  spec.drop = {"chown"};
  auto caps = effective_capabilities(spec);
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_NET_ADMIN"), 1);
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_SYS_PTRACE"), 1);
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_CHOWN"), 0);
  spec = {};
  spec.drop = {"ALL"};
  spec.add = {"KILL"};
  EXPECT_EQ(effective_capabilities(spec), std::vector<std::string>{"CAP_KILL"});
  spec = {};
  spec.add = {"ALL"};
  EXPECT_EQ(effective_capabilities(spec).size(), 41u);
  spec = {};
  spec.privileged = true;
  EXPECT_EQ(effective_capabilities(spec).size(), 41u);
  spec = {};
  spec.add = {"FLY"};
  EXPECT_THROW(effective_capabilities(spec), Error);
}

TEST(OciConfig, ProcessRootAndHostname) {
  auto spec = base_spec();
  spec.process.uid = 1000;
  spec.process.gid = 100;
  spec.process.additional_gids = {5, 6};
  spec.process.cwd = "/srv";
  spec.process.no_new_privileges = true;
  spec.readonly_rootfs = true;
  spec.resources.oom_score_adj = 500;
  auto j = build(spec);
  EXPECT_EQ(j["ociVersion"], "1.0.2");
  EXPECT_EQ(j["process"]["args"], json::array({"/bin/sh"}));
  EXPECT_EQ(j["process"]["user"], json::parse(R"({"uid":1000,"gid":100,"additionalGids":[5,6]})"));
  EXPECT_EQ(j["process"]["cwd"], "/srv");
  EXPECT_EQ(j["process"]["noNewPrivileges"], true);
  EXPECT_EQ(j["process"]["oomScoreAdj"], 500);
  EXPECT_EQ(j["root"], json::parse(R"({"path":"/tmp/rootfs","readonly":true})"));
  EXPECT_EQ(j["hostname"], "web");
  EXPECT_EQ(j["linux"]["cgroupsPath"], "/berth/x");
  EXPECT_FALSE(j["linux"].contains("seccomp"));
  EXPECT_EQ(j["linux"]["maskedPaths"], json(default_masked_paths()));
  EXPECT_EQ(j["linux"]["readonlyPaths"], json(default_readonly_paths()));
}

TEST(OciConfig, NetworkNamespaces) {
  auto spec = base_spec();
  auto types = [](const json& j) {
    std::vector<std::string> out;
    for (const auto& ns : j["linux"]["namespaces"]) out.push_back(ns["type"]);
    return out;
  };
  EXPECT_EQ(types(build(spec)),
            (std::vector<std::string>{"pid", "ipc", "uts", "mount", "network"}));
  spec.network.mode = NetworkSpec::Mode::host;
  EXPECT_EQ(types(build(spec)), (std::vector<std::string>{"pid", "ipc", "uts", "mount"}));
  spec.network = {NetworkSpec::Mode::join, "/run/berth/netns/n1"};
  auto joined = build(spec);
  EXPECT_EQ(joined["linux"]["namespaces"].back(),
            json::parse(R"({"type":"network","path":"/run/berth/netns/n1"})"));
}

TEST(OciConfig, MountsEtcFilesInitAndUserMounts) {
  auto spec = base_spec();
  spec.etc.hosts = "127.0.0.1 localhost\n";
  spec.init = true;
  spec.resources.shm_size = 1024 * 1024;
  spec.mounts.push_back({"/data", "bind", "/srv/data", {}});
  spec.mounts.push_back({"/dev/mqueue", "tmpfs", "tmpfs", {"size=1k"}});
  auto j = build(spec);
  std::map<std::string, json> by_destination;
  for (const auto& m : j["mounts"]) by_destination[m["destination"]] = m;
  EXPECT_EQ(by_destination["/etc/hosts"]["source"], "/run/b/etc/hosts");
  EXPECT_FALSE(by_destination.count("/etc/resolv.conf"));  // not kept by berth: the image's
  EXPECT_EQ(by_destination["/sbin/berth-init"]["source"], "/usr/bin/catatonit");
  EXPECT_TRUE(has(by_destination["/dev/shm"]["options"], "size=1048576"));
  EXPECT_EQ(by_destination["/data"]["options"], json::array({"rbind"}));
  EXPECT_EQ(by_destination["/dev/mqueue"]["type"], "tmpfs");  // the user's replaces the default
  EXPECT_EQ(j["process"]["args"], json::array({"/sbin/berth-init", "--", "/bin/sh"}));
}

TEST(OciConfig, Resources) {
  auto spec = base_spec();
  spec.resources.memory = 64 << 20;
  spec.resources.memory_swap = 128 << 20;
  spec.resources.memory_reservation = 32 << 20;
  spec.resources.cpus = 1.5;
  spec.resources.cpu_shares = 512;
  spec.resources.cpuset_cpus = "0-1";
  spec.resources.pids_limit = 100;
  auto r = build(spec)["linux"]["resources"];
  EXPECT_EQ(r["memory"], json::parse(R"({"limit":67108864,"reservation":33554432,"swap":134217728})"));
  EXPECT_EQ(r["cpu"], json::parse(R"({"period":100000,"quota":150000,"shares":512,"cpus":"0-1"})"));
  EXPECT_EQ(r["pids"]["limit"], 100);
  EXPECT_EQ(r["devices"][0], json::parse(R"({"allow":false,"access":"rwm"})"));
}

// A unified (cgroup v2) host, described to build_oci_config: the limits become unified files.
TEST(OciConfig, ResourcesOnACgroupV2Host) {
  auto spec = base_spec();
  spec.resources.memory = 64 << 20;
  spec.resources.memory_swap = 128 << 20;
  spec.resources.cpu_shares = 1024;
  spec.resources.cpus = 0.5;
  spec.resources.pids_limit = 100;
  OciContext context;
  context.etc_dir = "/run/b/etc";
  context.cgroups_path = "/berth/x";
  context.cgroup_v2 = true;
  std::vector<std::string> warnings;
  auto j = json::parse(build_oci_config(spec, context, warnings));
  auto r = j["linux"]["resources"];
  EXPECT_EQ(r["unified"], json::parse(R"({"memory.max":"67108864","memory.swap.max":"67108864",
      "cpu.weight":"39","cpu.max":"50000 100000","pids.max":"100"})"));
  EXPECT_FALSE(r.contains("memory"));  // no v1 fields for runc to convert its own way
  EXPECT_FALSE(r.contains("cpu"));
  EXPECT_FALSE(r.contains("pids"));
  EXPECT_EQ(r["devices"][0], json::parse(R"({"allow":false,"access":"rwm"})"));
  bool cgroup_ns = false;
  for (const auto& ns : j["linux"]["namespaces"]) cgroup_ns |= ns["type"] == "cgroup";
  EXPECT_TRUE(cgroup_ns);

  // The same spec on a v1 or hybrid host: the OCI v1 fields, no unified map (runc refuses one
  // there), no cgroup namespace.
  context.cgroup_v2 = false;
  j = json::parse(build_oci_config(spec, context, warnings));
  EXPECT_FALSE(j["linux"]["resources"].contains("unified"));
  EXPECT_EQ(j["linux"]["resources"]["memory"]["swap"], 128 << 20);
  for (const auto& ns : j["linux"]["namespaces"]) EXPECT_NE(ns["type"], "cgroup");

  spec.resources.memory.reset();  // swap without memory: an error on both
  EXPECT_THROW(build_oci_config(spec, context, warnings), Error);
}

TEST(OciConfig, UlimitsAreClampedToTheHostsHardLimit) {
  struct rlimit host {};
  ::getrlimit(RLIMIT_NOFILE, &host);
  ASSERT_NE(host.rlim_max, RLIM_INFINITY);
  auto spec = base_spec();
  spec.ulimits = {{"nofile", host.rlim_max + 1000, host.rlim_max + 1000}, {"core", 0, 0}};
  std::vector<std::string> warnings;
  auto j = build(spec, &warnings);
  EXPECT_EQ(j["process"]["rlimits"][0],
            json({{"type", "RLIMIT_NOFILE"}, {"hard", host.rlim_max}, {"soft", host.rlim_max}}));
  EXPECT_EQ(j["process"]["rlimits"][1], json::parse(R"({"type":"RLIMIT_CORE","hard":0,"soft":0})"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("ulimit nofile lowered"), std::string::npos);
  spec.ulimits = {{"wings", 1, 1}};
  EXPECT_THROW(build(spec), Error);
  spec.ulimits = {{"nofile", 10, 5}};
  EXPECT_THROW(build(spec), Error);
}

TEST(OciConfig, PrivilegedDropsConfinement) {
  auto spec = base_spec();
  spec.capabilities.privileged = true;
  spec.seccomp.kind = SeccompSpec::Kind::default_profile;
  auto j = build(spec);
  EXPECT_FALSE(j["linux"].contains("seccomp"));
  EXPECT_FALSE(j["linux"].contains("maskedPaths"));
  EXPECT_EQ(j["linux"]["resources"]["devices"][0], json::parse(R"({"allow":true,"access":"rwm"})"));
  EXPECT_EQ(j["process"]["capabilities"]["bounding"].size(), 41u);
}

TEST(OciConfig, PrivilegedGetsTheHostsDevicesAndAWritableSys) {
  auto spec = base_spec();
  spec.devices = {{"/dev/null", "/dev/kvm", "rw"}};  // the user's mapping wins over the host's
  OciContext context;
  context.etc_dir = "/run/b/etc";
  context.host_dev = "/dev";
  std::vector<std::string> warnings;
  auto paths_of = [](const json& devices) {
    std::set<std::string> paths;
    for (const auto& d : devices) paths.insert(d["path"].get<std::string>());
    return paths;
  };
  auto plain = json::parse(build_oci_config(spec, context, warnings));
  EXPECT_EQ(paths_of(plain["linux"]["devices"]), std::set<std::string>{"/dev/kvm"});
  for (const auto& m : plain["mounts"])
    if (m["destination"] == "/sys") {
      EXPECT_TRUE(has(m["options"], "ro"));
    }

  spec.capabilities.privileged = true;
  auto j = json::parse(build_oci_config(spec, context, warnings));
  auto paths = paths_of(j["linux"]["devices"]);
  EXPECT_TRUE(paths.count("/dev/null"));
  if (std::filesystem::exists("/dev/loop-control")) {
    EXPECT_TRUE(paths.count("/dev/loop-control"));
  }
  EXPECT_FALSE(paths.count("/dev/console"));
  size_t kvm = 0;
  for (const auto& d : j["linux"]["devices"])
    if (d["path"] == "/dev/kvm") {
      ++kvm;
      EXPECT_EQ(d["major"], 1);  // the mapping's /dev/null, not the host's kvm
    }
  EXPECT_EQ(kvm, 1u);
  for (const auto& m : j["mounts"])
    if (m["destination"] == "/sys" || m["destination"] == "/sys/fs/cgroup") {
      EXPECT_TRUE(has(m["options"], "rw")) << m.dump();
      EXPECT_FALSE(has(m["options"], "ro")) << m.dump();
    }
}

TEST(OciConfig, CapabilitiesStayWithinWhatTheHostGrants) {
  auto spec = base_spec();
  OciContext context;
  context.etc_dir = "/run/b/etc";
  context.host_capabilities = ~(1ULL << 24);  // no CAP_SYS_RESOURCE, as on this kind of host
  std::vector<std::string> warnings;
  spec.capabilities.privileged = true;
  auto j = json::parse(build_oci_config(spec, context, warnings));
  EXPECT_EQ(j["process"]["capabilities"]["bounding"].size(), 40u);
  EXPECT_FALSE(has(j["process"]["capabilities"]["bounding"], "CAP_SYS_RESOURCE"));
  EXPECT_TRUE(warnings.empty());  // privileged is "all the host allows": nothing to warn about

  spec.capabilities = {false, {"SYS_RESOURCE", "NET_ADMIN"}, {}};
  j = json::parse(build_oci_config(spec, context, warnings));
  EXPECT_TRUE(has(j["process"]["capabilities"]["bounding"], "CAP_NET_ADMIN"));
  EXPECT_FALSE(has(j["process"]["capabilities"]["bounding"], "CAP_SYS_RESOURCE"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("cap_add SYS_RESOURCE is left out"), std::string::npos) << warnings[0];
}

TEST(OciConfig, DevicesAndSysctls) {
  auto spec = base_spec();
  spec.devices = {{"/dev/null", "/dev/mynull", "rw"}};
  spec.sysctls = {{"net.ipv4.ip_forward", "1"}};
  auto j = build(spec);
  EXPECT_EQ(j["linux"]["devices"][0]["path"], "/dev/mynull");
  EXPECT_EQ(j["linux"]["devices"][0]["major"], 1);
  EXPECT_EQ(j["linux"]["devices"][0]["minor"], 3);
  EXPECT_EQ(j["linux"]["resources"]["devices"][1],
            json::parse(R"({"allow":true,"type":"c","major":1,"minor":3,"access":"rw"})"));
  EXPECT_EQ(j["linux"]["sysctl"]["net.ipv4.ip_forward"], "1");
  spec.devices = {{"/dev/no-such-device", "", "rwm"}};
  EXPECT_THROW(build(spec), Error);
}

TEST(OciConfig, SeccompProfiles) {
  auto spec = base_spec();
  spec.seccomp.kind = SeccompSpec::Kind::profile_file;
  spec.seccomp.profile = "/no/such/profile.json";
  EXPECT_THROW(build(spec), Error);
  spec.seccomp.kind = SeccompSpec::Kind::default_profile;
  if (std::filesystem::exists("/usr/share/containers/seccomp.json")) {
    auto j = build(spec);
    EXPECT_EQ(j["linux"]["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
  }
}

}  // namespace
}  // namespace berth::runtime
