// The plan: what `up` and `down` must do to bring what runs in line with the blueprint.
//
// Pure data in, pure data out: the desired project and the observed state (container records,
// existing networks and volumes, local images) give an ordered list of actions with their
// dependencies. The executor runs them; nothing here touches the system, so every convergence
// rule has a unit test.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compose/model.h"

namespace berth::compose {

struct ObservedContainer {
  std::string id;
  std::string name;
  std::string service;
  int number = 1;
  std::string config_hash;
  std::string image_id;  // the image the container was created from
  std::string state;     // created, running, paused, restarting, exited, dead
  bool one_off = false;  // made by `run`
};

struct Observed {
  std::vector<ObservedContainer> containers;   // labelled with this project
  std::set<std::string> networks;              // existing, by full name
  std::set<std::string> volumes;               // existing, by full name
  std::map<std::string, std::string> images;   // reference -> local image id
};

struct UpOptions {
  std::vector<std::string> services;  // empty: all
  bool no_deps = false;
  bool force_recreate = false;
  bool no_recreate = false;
  bool always_recreate_deps = false;
  bool remove_orphans = false;
  bool no_start = false;
  std::map<std::string, int> scale;  // --scale SERVICE=N
  std::string pull;                  // --pull: always|missing|never|"" (the service's pull_policy)
};

struct DownOptions {
  bool volumes = false;  // -v: the project's non-external volumes too
  bool remove_orphans = false;
  std::string rmi;  // "", local, all
};

enum class ActionKind {
  pull_image,
  restart_container,  // depends_on restart: true, after its dependency was recreated
  create_network,
  create_volume,
  create_container,
  start_container,
  wait_started,    // depends_on condition service_started: nothing to wait for beyond start
  wait_healthy,
  wait_completed,  // exited 0
  stop_container,
  remove_container,
  remove_network,
  remove_volume,
  remove_image,
};

const char* action_name(ActionKind kind);

struct Action {
  ActionKind kind;
  std::string target;   // container name, network/volume full name, image reference
  std::string service;  // for container actions
  int number = 0;       // container number
  std::string id;       // an existing container's id
  std::string reason;   // why (for --dry-run and progress): "missing", "config changed", ...
  std::vector<size_t> after;  // indices of actions that must finish first
  // A wait on a `required: false` dependency: its failure is a warning, and what waits for it
  // goes on.
  bool optional = false;
  // A create_container whose start waits for dependencies: the runtime makes the container now
  // and its start is then only a `runc start` (a chain of depends_on costs that per link).
  bool prepare = false;
};

struct Plan {
  std::vector<Action> actions;
  std::vector<std::string> orphans;  // container names of services no longer in the blueprint
  bool empty() const { return actions.empty(); }
};

// Container names: <project>-<service>-<n>, or the service's container_name.
std::string container_name(const Project& project, const Service& service, int number);
// How many containers a service wants: --scale, then deploy.replicas, then 1.
int desired_replicas(const Service& service, const UpOptions& options);
// Services `up` acts on: the named ones and, unless no_deps, everything they depend on.
std::set<std::string> selected_services(const Project& project, const std::vector<std::string>& names,
                                        bool with_dependencies);

// Images to pull before anything else (their ids decide recreation, so the executor pulls, looks
// again, then plans the rest).
Plan plan_pulls(const Project& project, const Observed& observed, const UpOptions& options);
// Networks, volumes and containers. Every image must be local by now.
Plan plan_up(const Project& project, const Observed& observed, const UpOptions& options);
Plan plan_down(const Project& project, const Observed& observed, const DownOptions& options);

std::string describe(const Plan& plan);

}  // namespace berth::compose
