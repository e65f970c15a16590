// What of the host's networking a project makes and must take away again: bridges and veths,
// nftables tables, namespaces under the run root, network records with their IPAM allocations
// under the state root. Other test programs may run beside this one, so checks name the
// project's own things rather than diffing the whole host.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace berth::test {

struct ProjectNetworking {
  std::set<std::string> interfaces;  // bridges and host veth ends
  std::set<std::string> nft_tables;  // "inet berth-<bridge>"
  std::set<std::string> netns;       // namespace files
};

// What berth's network records under `state_root` say it made (read while the project is up).
ProjectNetworking networking_on_record(const std::filesystem::path& state_root);

// The host's interfaces whose names start with `prefix`.
std::set<std::string> host_interfaces(const std::string& prefix = "");

// Adds a test failure for every interface, nftables table or namespace of `made` that still
// exists, and for every namespace file under `run_root`/netns and network record (with its
// address allocations) under `state_root`/networks.
void expect_no_network_left(const ProjectNetworking& made, const std::filesystem::path& state_root,
                            const std::filesystem::path& run_root);

class ComposeProject;
// Takes a running project down (`down -t 0`, which must succeed) and checks with
// expect_no_network_left that nothing of what its network records named is left.
void down_and_expect_no_network_left(const ComposeProject& project);

// Runs `command` with /bin/sh; what it printed on stdout.
std::string shell_output(const std::string& command);

}  // namespace berth::test
