#include "tests/support/host_network_state.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/compose_project.h"

namespace berth::test {

namespace stdfs = std::filesystem;

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

ProjectNetworking networking_on_record(const stdfs::path& state_root) {
  ProjectNetworking made;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(state_root / "networks", ec)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    auto j = nlohmann::json::parse(in);
    std::string bridge = j["bridge"];
    made.interfaces.insert(bridge);
    made.nft_tables.insert("inet berth-" + bridge);
    for (const auto& [id, a] : j["attachments"].items()) {
      made.interfaces.insert(a["host_veth"].get<std::string>());
      made.netns.insert(a["netns"].get<std::string>());
    }
  }
  return made;
}

std::set<std::string> host_interfaces(const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& e : stdfs::directory_iterator("/sys/class/net")) {
    std::string name = e.path().filename();
    if (name.rfind(prefix, 0) == 0) out.insert(name);
  }
  return out;
}

void expect_no_network_left(const ProjectNetworking& made, const stdfs::path& state_root,
                            const stdfs::path& run_root) {
  auto interfaces = host_interfaces();
  for (const auto& i : made.interfaces)
    if (interfaces.count(i)) ADD_FAILURE() << "interface left: " << i;
  std::string tables = shell_output("nft list tables 2>/dev/null");
  for (const auto& t : made.nft_tables)
    if (tables.find("table " + t + "\n") != std::string::npos) ADD_FAILURE() << "nftables table left: " << t;
  for (const auto& n : made.netns)
    if (stdfs::exists(n)) ADD_FAILURE() << "network namespace left: " << n;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(run_root / "netns", ec))
    ADD_FAILURE() << "network namespace left: " << e.path();
  for (const auto& e : stdfs::directory_iterator(state_root / "networks", ec))
    if (e.path().extension() == ".json") ADD_FAILURE() << "network record (IPAM) left: " << e.path();
}

void down_and_expect_no_network_left(const ComposeProject& p) {
  ProjectNetworking made = networking_on_record(p.dir() / "state");
  EXPECT_FALSE(made.interfaces.empty()) << "the project had no network on record";
  Result down = p({"down", "-t", "0"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  expect_no_network_left(made, p.dir() / "state", p.dir() / "run");
}

}  // namespace berth::test
