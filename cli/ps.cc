// berth ps: the project's containers, from their records alone (no process is asked).
#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

#include "cli/human_duration.h"
#include "cli/project_options.h"
#include "cli/stack_command.h"
#include "cli/table.h"
#include "cli/verbs.h"
#include "network/network.h"
#include "stack/labels.h"
#include "stack/observe.h"

namespace berth::cli {

namespace {

struct PsFlags {
  bool all = false, quiet = false, services_only = false;
  std::vector<std::string> status, filter, services;
  std::string format = "table";
};

std::time_t parse_time(const std::string& rfc3339) {
  std::tm tm{};
  if (rfc3339.size() < 19 || !strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return timegm(&tm);
}

std::string ago(const std::string& when) {
  std::time_t t = parse_time(when);
  if (!t) return "";
  return human_duration(static_cast<long>(std::time(nullptr) - t));
}

std::string status_text(const runtime::ContainerRecord& r) {
  if (r.status == "running") {
    std::string out = "Up " + ago(r.started);
    if (!r.health.status.empty()) out += " (" + r.health.status + ")";
    return out;
  }
  if (r.status == "exited") return "Exited (" + std::to_string(r.exit_code) + ") " + ago(r.finished) + " ago";
  if (r.status == "restarting") return "Restarting (" + std::to_string(r.exit_code) + ")";
  if (r.status == "paused") return "Up " + ago(r.started) + " (Paused)";
  return std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(r.status[0])))) + r.status.substr(1);
}

std::map<std::string, std::vector<network::PublishedPort>> ports_by_container() {
  std::map<std::string, std::vector<network::PublishedPort>> out;
  for (const auto& n : network::list_networks())
    for (const auto& [id, a] : n.attachments)
      for (const auto& p : a.ports) out[id].push_back(p);
  return out;
}

std::string ports_text(const std::vector<network::PublishedPort>& ports) {
  std::string out;
  for (const auto& p : ports) {
    if (!out.empty()) out += ", ";
    out += (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" + std::to_string(p.host_port) + "->" +
           std::to_string(p.container_port) + "/" + p.protocol;
  }
  return out;
}

bool matches_filters(const runtime::ContainerRecord& r, const PsFlags& f) {
  std::vector<std::string> statuses = f.status;
  for (const auto& filter : f.filter) {
    size_t eq = filter.find('=');
    if (eq == std::string::npos || filter.substr(0, eq) != "status")
      throw Error("unsupported filter '" + filter + "'", "use --filter status=running (or --status)");
    statuses.push_back(filter.substr(eq + 1));
  }
  if (statuses.empty()) return f.all || r.status == "running" || r.status == "restarting" || r.status == "paused";
  return std::find(statuses.begin(), statuses.end(), r.status) != statuses.end();
}

int run_ps(const GlobalOptions& global, const PsFlags& f) {
  compose::Project p = load(load_options(global)).project;
  if (f.services_only) {
    for (const auto& [name, _] : p.services)
      if (f.services.empty() || std::find(f.services.begin(), f.services.end(), name) != f.services.end())
        std::cout << name << "\n";
    return 0;
  }
  std::vector<runtime::ContainerRecord> rows;
  for (auto& r : containers_of(p, f.services, true))
    if (matches_filters(r, f)) rows.push_back(std::move(r));
  if (f.quiet) {
    for (const auto& r : rows) std::cout << r.id << "\n";
    return 0;
  }
  auto ports = ports_by_container();
  auto image_of = [&](const runtime::ContainerRecord& r) {
    auto it = p.services.find(stack::label_of(r, stack::labels::kService));
    return it == p.services.end() || it->second.image.empty() ? stack::label_of(r, stack::labels::kImage)
                                                              : it->second.image;
  };
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json publishers = nlohmann::json::array();
      for (const auto& pp : ports[r.id])
        publishers.push_back({{"URL", pp.host_ip.empty() ? "0.0.0.0" : pp.host_ip},
                              {"TargetPort", pp.container_port}, {"PublishedPort", pp.host_port},
                              {"Protocol", pp.protocol}});
      out.push_back({{"ID", r.id}, {"Name", r.name}, {"Image", image_of(r)}, {"Project", p.name},
                     {"Service", stack::label_of(r, stack::labels::kService)}, {"Created", r.created},
                     {"State", r.status}, {"Health", r.health.status}, {"ExitCode", r.exit_code},
                     {"Status", status_text(r)}, {"Publishers", publishers}, {"Labels", r.labels}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"NAME", "IMAGE", "SERVICE", "CREATED", "STATUS", "PORTS"}};
  for (const auto& r : rows)
    table.push_back({r.name, image_of(r), stack::label_of(r, stack::labels::kService), ago(r.created) + " ago",
                     status_text(r), ports_text(ports[r.id])});
  std::cout << format_table(table);
  return 0;
}

}  // namespace

void add_ps_verb(CLI::App& app, const GlobalOptions& global) {
  auto* ps = app.add_subcommand("ps", "List containers");
  auto f = std::make_shared<PsFlags>();
  ps->add_flag("-a,--all", f->all, "Show all containers, stopped ones too");
  ps->add_flag("-q,--quiet", f->quiet, "Only display IDs");
  ps->add_flag("--services", f->services_only, "Display services");
  ps->add_option("--status", f->status, "Filter by status: created, running, paused, restarting, exited, dead")
      ->allow_extra_args(false);
  ps->add_option("--filter", f->filter, "Filter by a property (status=running)")->allow_extra_args(false);
  ps->add_option("--format", f->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  ps->add_option("services", f->services, "Only these services");
  set_action(ps, [&global, f] { return run_ps(global, *f); });
}

}  // namespace berth::cli
