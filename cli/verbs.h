// Each verb adds itself to the command line. One file per verb (or family of verbs) in cli/.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/global_options.h"

namespace berth::cli {

// A verb's action: runs after parsing, returns the process exit code.
using Action = std::function<int()>;

// Registers the verb's subcommand and returns nothing; the verb stores its action with
// set_action() so that run() can call it.
void set_action(CLI::App* sub, Action action);

void add_version_verb(CLI::App& app, const GlobalOptions& global);
// berth __dns, the DNS responder process (cli/dns_responder.cc).
void add_dns_responder_mode(CLI::App& app);
void add_config_verb(CLI::App& app, const GlobalOptions& global);
void add_graph_verb(CLI::App& app, const GlobalOptions& global);
// berth up, berth down (cli/up.cc).
void add_up_verbs(CLI::App& app, const GlobalOptions& global);
// berth ps (cli/ps.cc).
void add_ps_verb(CLI::App& app, const GlobalOptions& global);
// berth volume ls|inspect|create|rm|prune|export|import (cli/volume.cc).
void add_volume_verbs(CLI::App& app, const GlobalOptions& global);
// berth image ls|rm|inspect|tag|prune|import|save|load|pull|push, berth login|logout.
void add_image_verbs(CLI::App& app, const GlobalOptions& global);
// berth network ls|inspect|create|rm|prune (cli/network.cc).
void add_network_verbs(CLI::App& app, const GlobalOptions& global);

}  // namespace berth::cli
