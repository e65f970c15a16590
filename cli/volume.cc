// berth volume ls|inspect|create|rm|prune|export|import: named volumes outside of any project.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "util/error.h"
#include "volumes/unique_fd.h"
#include "volumes/volume_archive.h"
#include "volumes/volume_store.h"

namespace berth::cli {

namespace {

using volumes::VolumeRecord;
using volumes::VolumeStore;

nlohmann::json inspect_json(const VolumeStore& store, const VolumeRecord& r) {
  return {{"Name", r.name},
          {"Driver", r.driver},
          {"Mountpoint", store.data_dir(r.name).string()},
          {"Labels", r.labels},
          {"Options", r.driver_opts},
          {"Scope", "local"},
          {"CreatedAt", r.created},
          {"UsedBy", r.users}};
}

// "k=v" pairs from repeated flags; a pair without '=' has an empty value, as with Docker.
std::map<std::string, std::string> key_values(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
  }
  return out;
}

// ls filters: name=SUBSTRING, label=KEY or label=KEY=VALUE, dangling=true|false.
bool matches(const VolumeRecord& r, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    auto eq = f.find('=');
    if (eq == std::string::npos)
      throw Error("bad filter '" + f + "'", "use name=..., label=KEY[=VALUE] or dangling=true|false");
    std::string key = f.substr(0, eq), value = f.substr(eq + 1);
    if (key == "name") {
      if (r.name.find(value) == std::string::npos) return false;
    } else if (key == "label") {
      auto leq = value.find('=');
      auto it = r.labels.find(value.substr(0, leq));
      if (it == r.labels.end()) return false;
      if (leq != std::string::npos && it->second != value.substr(leq + 1)) return false;
    } else if (key == "dangling") {
      if (value != "true" && value != "false")
        throw Error("bad filter '" + f + "'", "dangling takes true or false");
      if (r.users.empty() != (value == "true")) return false;
    } else {
      throw Error("unknown filter '" + key + "'", "use name, label or dangling");
    }
  }
  return true;
}

void add_ls(CLI::App& volume) {
  auto* sub = volume.add_subcommand("ls", "List volumes");
  sub->alias("list");
  struct Opts {
    bool quiet = false;
    std::string format = "table";
    std::vector<std::string> filters;
  };
  auto o = std::make_shared<Opts>();
  sub->add_flag("-q,--quiet", o->quiet, "Only volume names");
  sub->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  sub->add_option("-f,--filter", o->filters, "name=..., label=KEY[=VALUE], dangling=true|false")
      ->allow_extra_args(false);
  set_action(sub, [o] {
    VolumeStore store;
    std::vector<VolumeRecord> shown;
    for (auto& r : store.list())
      if (matches(r, o->filters)) shown.push_back(std::move(r));
    if (o->quiet) {
      for (const auto& r : shown) std::cout << r.name << "\n";
    } else if (o->format == "json") {
      for (const auto& r : shown) std::cout << inspect_json(store, r).dump() << "\n";
    } else {
      std::cout << "DRIVER    VOLUME NAME\n";
      for (const auto& r : shown) std::cout << "local     " << r.name << "\n";
    }
    return 0;
  });
}

void add_inspect(CLI::App& volume) {
  auto* sub = volume.add_subcommand("inspect", "Show volumes in detail (JSON)");
  auto names = std::make_shared<std::vector<std::string>>();
  sub->add_option("VOLUME", *names, "Volume names")->required();
  set_action(sub, [names] {
    VolumeStore store;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& name : *names) out.push_back(inspect_json(store, store.inspect(name)));
    std::cout << out.dump(4) << "\n";
    return 0;
  });
}

void add_create(CLI::App& volume) {
  auto* sub = volume.add_subcommand("create", "Create a volume");
  struct Opts {
    std::string name, driver = "local";
    std::vector<std::string> opts, labels;
  };
  auto o = std::make_shared<Opts>();
  sub->add_option("VOLUME", o->name, "Volume name")->required();
  sub->add_option("-d,--driver", o->driver, "Volume driver (local)");
  sub->add_option("-o,--opt", o->opts, "Driver option KEY=VALUE (type, device, o)")
      ->allow_extra_args(false);
  sub->add_option("--label", o->labels, "Label KEY=VALUE")->allow_extra_args(false);
  set_action(sub, [o] {
    VolumeStore store;
    store.create({o->name, o->driver, key_values(o->opts), key_values(o->labels)});
    std::cout << o->name << "\n";
    return 0;
  });
}

void add_rm(CLI::App& volume) {
  auto* sub = volume.add_subcommand("rm", "Remove volumes");
  sub->alias("remove");
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  sub->add_option("VOLUME", *names, "Volume names")->required();
  sub->add_flag("-f,--force", *force, "Remove even when containers still count as its users");
  set_action(sub, [names, force] {
    VolumeStore store;
    int status = 0;
    for (const auto& name : *names) {
      try {
        store.remove(name, *force);
        std::cout << name << "\n";
      } catch (const Error& e) {
        std::cerr << "error: " << e.render() << "\n";
        status = 1;
      }
    }
    return status;
  });
}

void add_prune(CLI::App& volume) {
  auto* sub = volume.add_subcommand("prune", "Remove unused volumes (anonymous ones; all with -a)");
  auto all = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  sub->add_flag("-a,--all", *all, "Remove all unused volumes, not only anonymous ones");
  sub->add_flag("-f,--force", *force, "Do not ask for confirmation");
  set_action(sub, [all, force] {
    if (!*force) {
      if (!::isatty(0))
        throw Error("volume prune asks for confirmation, and there is no terminal to ask on",
                    "add -f to prune without asking");
      std::cerr << "This removes all " << (*all ? "" : "anonymous ")
                << "volumes no container uses. Continue? [y/N] ";
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y" && answer != "yes") return 0;
    }
    VolumeStore store;
    auto removed = store.prune(*all);
    if (!removed.empty()) std::cout << "Deleted Volumes:\n";
    for (const auto& name : removed) std::cout << name << "\n";
    return 0;
  });
}

void add_export(CLI::App& volume) {
  auto* sub = volume.add_subcommand("export", "Write a volume's content as a tar archive");
  auto name = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  sub->add_option("VOLUME", *name, "Volume name")->required();
  sub->add_option("-o,--output", *output, "Write to this file instead of stdout");
  set_action(sub, [name, output] {
    VolumeStore store;
    store.inspect(*name);  // a missing volume is reported before any file is made
    if (output->empty()) {
      if (::isatty(1))
        throw Error("refusing to write a tar archive to a terminal",
                    "redirect stdout to a file, or use -o FILE");
      volumes::export_volume(store, *name, 1);
      return 0;
    }
    std::string tmp = *output + ".tmp." + std::to_string(::getpid());
    volumes::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid()) throw Error("cannot create " + tmp + ": " + std::strerror(errno));
    try {
      volumes::export_volume(store, *name, fd.get());
      if (::fsync(fd.get()) != 0 || ::rename(tmp.c_str(), output->c_str()) != 0)
        throw Error("cannot write " + *output + ": " + std::strerror(errno));
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
    return 0;
  });
}

void add_import(CLI::App& volume) {
  auto* sub = volume.add_subcommand(
      "import", "Fill a volume (created if missing, else empty) from a tar archive");
  auto name = std::make_shared<std::string>();
  auto input = std::make_shared<std::string>();
  sub->add_option("VOLUME", *name, "Volume name")->required();
  sub->add_option("-i,--input", *input, "Read from this file instead of stdin");
  set_action(sub, [name, input] {
    VolumeStore store;
    if (input->empty()) {
      if (::isatty(0))
        throw Error("no tar archive on stdin", "redirect stdin from a file, or use -i FILE");
      volumes::import_volume(store, *name, 0);
      return 0;
    }
    volumes::UniqueFd fd(::open(input->c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw Error("cannot open " + *input + ": " + std::strerror(errno));
    volumes::import_volume(store, *name, fd.get());
    return 0;
  });
}

}  // namespace

void add_volume_verbs(CLI::App& app, const GlobalOptions&) {
  auto* volume = app.add_subcommand("volume", "Manage volumes");
  volume->require_subcommand(1);
  add_ls(*volume);
  add_inspect(*volume);
  add_create(*volume);
  add_rm(*volume);
  add_prune(*volume);
  add_export(*volume);
  add_import(*volume);
}

}  // namespace berth::cli
