// berth ls: every project on the host with the states of its containers, from the container
// records' labels (no process is asked).
#include <algorithm>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

#include "cli/verbs.h"
#include "runtime/container/container.h"
#include "stack/labels.h"
#include "stack/observe.h"

namespace berth::cli {

namespace {

struct LsFlags {
  bool all = false, quiet = false;
  std::string format = "table";
  std::vector<std::string> filter;
};

struct ProjectRow {
  std::map<std::string, int> states;  // status -> containers
  std::string config_files;
};

bool active(const ProjectRow& p) {
  for (const auto& [state, n] : p.states)
    if (state == "running" || state == "restarting" || state == "paused") return true;
  return false;
}

std::string status_text(const ProjectRow& p) {
  std::string out;
  for (const auto& [state, n] : p.states) out += (out.empty() ? "" : ", ") + state + "(" + std::to_string(n) + ")";
  return out;
}

int run_ls(const LsFlags& f) {
  std::string name_filter;
  for (const auto& filter : f.filter) {
    if (filter.rfind("name=", 0) != 0) throw Error("unsupported filter '" + filter + "'", "use --filter name=TEXT");
    name_filter = filter.substr(5);
  }
  std::map<std::string, ProjectRow> projects;
  for (const auto& r : runtime::list_records()) {
    std::string project = stack::label_of(r, stack::labels::kProject);
    if (project.empty()) continue;
    if (!name_filter.empty() && project.find(name_filter) == std::string::npos) continue;
    ProjectRow& row = projects[project];
    ++row.states[runtime::inspect_container(r.id).status];
    if (row.config_files.empty()) row.config_files = stack::label_of(r, stack::labels::kConfigFiles);
  }
  std::erase_if(projects, [&](const auto& entry) { return !f.all && !active(entry.second); });
  if (f.quiet) {
    for (const auto& [name, _] : projects) std::cout << name << "\n";
    return 0;
  }
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [name, row] : projects)
      out.push_back({{"Name", name}, {"Status", status_text(row)}, {"ConfigFiles", row.config_files}});
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"NAME", "STATUS", "CONFIG FILES"}};
  for (const auto& [name, row] : projects) table.push_back({name, status_text(row), row.config_files});
  size_t w0 = 0, w1 = 0;
  for (const auto& row : table) w0 = std::max(w0, row[0].size()), w1 = std::max(w1, row[1].size());
  for (auto& row : table) {
    row[0].resize(w0 + 3, ' ');
    row[1].resize(w1 + 3, ' ');
    std::cout << row[0] << row[1] << row[2] << "\n";
  }
  return 0;
}

}  // namespace

void add_ls_verb(CLI::App& app, const GlobalOptions&) {
  auto* ls = app.add_subcommand("ls", "List the projects on this host");
  auto f = std::make_shared<LsFlags>();
  ls->add_flag("-a,--all", f->all, "Show stopped projects too");
  ls->add_flag("-q,--quiet", f->quiet, "Only display project names");
  ls->add_option("--format", f->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  ls->add_option("--filter", f->filter, "Filter by name=TEXT")->allow_extra_args(false);
  set_action(ls, [f] { return run_ls(*f); });
}

}  // namespace berth::cli
