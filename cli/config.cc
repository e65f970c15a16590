// berth config: the resolved, normalised project, as `docker compose config` prints it.
#include <fstream>
#include <iostream>

#include "cli/project_options.h"
#include "cli/verbs.h"
#include "compose/config_hash.h"
#include "compose/dollar_escape.h"
#include "compose/profiles.h"
#include "compose/yaml_writer.h"

namespace berth::cli {

namespace {

struct ConfigFlags {
  std::string format = "yaml";
  bool services = false, volumes = false, networks = false, profiles = false, images = false;
  std::string hash;
  bool no_interpolate = false, no_normalize = false, no_consistency = false;
  bool no_path_resolution = false, quiet = false;
  std::string output;
};

std::string listing(const compose::Project& p, const ConfigFlags& f) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  if (f.services)
    for (const auto& [name, _] : p.services) line(name);
  if (f.volumes)
    for (const auto& [name, _] : p.volumes) line(name);
  if (f.networks)
    for (const auto& [name, _] : p.networks) line(name);
  if (f.profiles)
    for (const auto& name : compose::all_profiles(p)) line(name);
  if (f.images)
    for (const auto& [name, s] : p.services) line(s.image.empty() ? p.name + "-" + name : s.image);
  return out;
}

std::string hashes(const compose::Project& p, const std::string& which) {
  std::string out;
  for (const auto& [name, s] : p.services) {
    if (which != "*" && ("," + which + ",").find("," + name + ",") == std::string::npos) continue;
    out += name + " " + compose::service_config_hash(s) + "\n";
  }
  return out;
}

// The project as YAML or JSON. Interpolated values have their `$` escaped, so that the output
// loads again to the same project.
std::string printed_project(const compose::Project& p, const ConfigFlags& f) {
  compose::Node tree = compose::encode_project(p);
  if (!f.no_interpolate) compose::escape_dollars(tree);
  return f.format == "json" ? compose::to_json(tree) : compose::to_yaml(tree);
}

int run_config(const GlobalOptions& global, const ConfigFlags& f) {
  compose::LoadOptions o = load_options(global);
  o.interpolate = !f.no_interpolate;
  o.normalize = !f.no_normalize;
  o.consistency = !f.no_consistency;
  o.resolve_paths = !f.no_path_resolution;
  compose::Project p = load(o).project;
  if (f.quiet) return 0;

  std::string text;
  if (f.services || f.volumes || f.networks || f.profiles || f.images) text = listing(p, f);
  else if (!f.hash.empty()) text = hashes(p, f.hash);
  else text = printed_project(p, f);

  if (f.output.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(f.output);
    out << text;
    if (!out) throw Error("cannot write " + f.output, "check the path given to -o");
  }
  return 0;
}

}  // namespace

void add_config_verb(CLI::App& app, const GlobalOptions& global) {
  auto* sub = app.add_subcommand("config", "Parse, resolve and render the compose file in canonical form");
  auto f = std::make_shared<ConfigFlags>();
  sub->add_option("--format", f->format, "yaml or json")->check(CLI::IsMember({"yaml", "json"}));
  sub->add_flag("--services", f->services, "Print the service names, one per line");
  sub->add_flag("--volumes", f->volumes, "Print the volume names, one per line");
  sub->add_flag("--networks", f->networks, "Print the network names, one per line");
  sub->add_flag("--profiles", f->profiles, "Print the profile names, one per line");
  sub->add_flag("--images", f->images, "Print the image names, one per line");
  sub->add_option("--hash", f->hash, "Print the config hash of these services (\"*\" for all)");
  sub->add_flag("--no-interpolate", f->no_interpolate, "Don't interpolate environment variables");
  sub->add_flag("--no-normalize", f->no_normalize, "Don't normalize the compose model");
  sub->add_flag("--no-consistency", f->no_consistency, "Don't check the model's consistency");
  sub->add_flag("--no-path-resolution", f->no_path_resolution, "Don't resolve file paths");
  sub->add_flag("-q,--quiet", f->quiet, "Only validate the configuration, print nothing");
  sub->add_option("-o,--output", f->output, "Save to this file instead of stdout");
  set_action(sub, [&global, f] { return run_config(global, *f); });
}

}  // namespace berth::cli
