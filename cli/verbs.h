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
// berth __ports, the loopback port proxy process (cli/port_proxy.cc).
void add_port_proxy_mode(CLI::App& app);
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
// berth start, stop, restart, kill, pause, unpause (cli/lifecycle.cc).
void add_lifecycle_verbs(CLI::App& app, const GlobalOptions& global);
// berth rm (cli/rm.cc).
void add_rm_verb(CLI::App& app, const GlobalOptions& global);
// berth logs, attach (cli/logs.cc).
void add_logs_verbs(CLI::App& app, const GlobalOptions& global);
// berth exec (cli/exec.cc).
void add_exec_verb(CLI::App& app, const GlobalOptions& global);
// berth run (cli/run.cc).
void add_run_verb(CLI::App& app, const GlobalOptions& global);
// berth pull, images: the project's images (cli/project_images.cc).
void add_project_image_verbs(CLI::App& app, const GlobalOptions& global);
// berth port (cli/port.cc).
void add_port_verb(CLI::App& app, const GlobalOptions& global);
// berth wait (cli/wait.cc).
void add_wait_verb(CLI::App& app, const GlobalOptions& global);
// berth top (cli/top.cc).
void add_top_verb(CLI::App& app, const GlobalOptions& global);
// berth cp (cli/cp.cc).
void add_cp_verb(CLI::App& app, const GlobalOptions& global);
// berth ls: every project on the host (cli/ls.cc).
void add_ls_verb(CLI::App& app, const GlobalOptions& global);
// berth events (cli/events.cc).
void add_events_verb(CLI::App& app, const GlobalOptions& global);
// berth info (cli/info.cc).
void add_info_verb(CLI::App& app, const GlobalOptions& global);

}  // namespace berth::cli
