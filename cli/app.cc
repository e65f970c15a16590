#include "cli/app.h"

#include <iostream>
#include <map>

#include "cli/verbs.h"
#include "util/error.h"
#include "util/log.h"

namespace berth::cli {

namespace {
std::map<const CLI::App*, Action>& actions() {
  static std::map<const CLI::App*, Action> table;
  return table;
}

void add_global_flags(CLI::App& app, GlobalOptions& g) {
  app.add_option("-f,--file", g.files, "Compose configuration files")->allow_extra_args(false);
  app.add_option("-p,--project-name", g.project_name, "Project name");
  app.add_option("--project-directory", g.project_directory,
                 "Alternate working directory (default: the directory of the first compose file)");
  app.add_option("--env-file", g.env_files, "Alternate environment files")->allow_extra_args(false);
  app.add_option("--profile", g.profiles, "Profiles to enable")->allow_extra_args(false);
  app.add_option("--ansi", g.ansi, "Control characters: never, always, auto")
      ->check(CLI::IsMember({"never", "always", "auto"}));
  app.add_option("--progress", g.progress, "Progress output: auto, tty, plain, json, quiet")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json", "quiet"}));
  app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error, critical, off");
}
}  // namespace

void set_action(CLI::App* sub, Action action) { actions()[sub] = std::move(action); }

int run(int argc, char** argv) {
  CLI::App app{"berth: a native, daemonless compose tool", "berth"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  add_global_flags(app, global);
  add_version_verb(app, global);
  add_dns_responder_mode(app);
  add_port_proxy_mode(app);
  add_config_verb(app, global);
  add_graph_verb(app, global);
  add_up_verbs(app, global);
  add_ps_verb(app, global);
  add_volume_verbs(app, global);
  add_image_verbs(app, global);
  add_network_verbs(app, global);
  add_lifecycle_verbs(app, global);
  add_rm_verb(app, global);
  add_logs_verbs(app, global);
  add_exec_verb(app, global);
  add_run_verb(app, global);
  add_project_image_verbs(app, global);
  add_port_verb(app, global);
  add_wait_verb(app, global);
  add_top_verb(app, global);
  add_cp_verb(app, global);
  add_ls_verb(app, global);
  add_events_verb(app, global);
  add_info_verb(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    log::init(global.log_level);
    for (const CLI::App* sub : app.get_subcommands()) {
      // Verbs with verbs of their own (berth image pull) register the innermost one.
      const CLI::App* leaf = sub;
      while (!leaf->get_subcommands().empty()) leaf = leaf->get_subcommands().front();
      auto it = actions().find(leaf);
      if (it != actions().end()) return it->second();
    }
    std::cerr << "berth: nothing to do\n";
    return 1;
  } catch (const Error& e) {
    std::cerr << "error: " << e.render() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace berth::cli
