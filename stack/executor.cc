#include "stack/executor.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "network/network.h"
#include "runtime/container/container.h"
#include "runtime/image/pull.h"
#include "runtime/image/reference.h"
#include "runtime/image/store.h"
#include "stack/container_lifecycle.h"
#include "stack/labels.h"
#include "stack/network_plan.h"
#include "stack/observe.h"
#include "util/log.h"
#include "runtime/container/watch.h"
#include "volumes/volume_store.h"

namespace berth::stack {

namespace {

using compose::Action;
using compose::ActionKind;
using Clock = std::chrono::steady_clock;

const char* kind_of(ActionKind k) {
  switch (k) {
    case ActionKind::pull_image:
    case ActionKind::remove_image: return "image";
    case ActionKind::create_network:
    case ActionKind::remove_network: return "network";
    case ActionKind::create_volume:
    case ActionKind::remove_volume: return "volume";
    default: return "container";
  }
}

// The words compose uses while a step runs and when it is done.
std::pair<const char*, const char*> status_words(ActionKind k) {
  switch (k) {
    case ActionKind::pull_image: return {"Pulling", "Pulled"};
    case ActionKind::create_network:
    case ActionKind::create_volume:
    case ActionKind::create_container: return {"Creating", "Created"};
    case ActionKind::start_container: return {"Starting", "Started"};
    case ActionKind::restart_container: return {"Restarting", "Restarted"};
    case ActionKind::wait_started: return {"Waiting", "Started"};
    case ActionKind::wait_healthy: return {"Waiting", "Healthy"};
    case ActionKind::wait_completed: return {"Waiting", "Exited"};
    case ActionKind::stop_container: return {"Stopping", "Stopped"};
    case ActionKind::remove_container:
    case ActionKind::remove_network:
    case ActionKind::remove_volume:
    case ActionKind::remove_image: return {"Removing", "Removed"};
  }
  return {"", ""};
}

class Run {
 public:
  Run(const compose::Plan& plan, const compose::Project& project, const ExecuteOptions& options)
      : plan_(plan), project_(project), options_(options), state_(plan.actions.size(), State::waiting) {}

  void go() {
    std::unique_lock lock(mutex_);
    while (true) {
      launch_ready(lock);
      if (finished_ == plan_.actions.size()) break;
      changed_.wait(lock);
    }
    lock.unlock();
    for (auto& t : threads_) t.join();
    release_unstarted();
    if (!failures_.empty()) {
      std::string what = failures_.size() == 1 ? failures_.front() : std::to_string(failures_.size()) + " steps failed:";
      if (failures_.size() > 1)
        for (const auto& f : failures_) what += "\n  " + f;
      throw Error(what);
    }
  }

 private:
  enum class State { waiting, running, done, failed };

  void launch_ready(std::unique_lock<std::mutex>&) {
    for (size_t i = 0; i < plan_.actions.size(); ++i) {
      if (state_[i] != State::waiting || running_ >= options_.parallelism) continue;
      bool ready = true, blocked = false;
      for (size_t dep : plan_.actions[i].after) {
        if (state_[dep] == State::failed) blocked = true;
        else if (state_[dep] != State::done) ready = false;
      }
      if (blocked) {
        state_[i] = State::failed;
        ++finished_;
        emit(plan_.actions[i], "Skipped", "a step it waits for failed", 0, true);
        i = static_cast<size_t>(-1);  // a failure may unblock (fail) earlier ones: rescan
        continue;
      }
      if (!ready) continue;
      state_[i] = State::running;
      ++running_;
      threads_.emplace_back([this, i] { run_one(i); });
    }
  }

  void run_one(size_t i) {
    const Action& a = plan_.actions[i];
    auto words = status_words(a.kind);
    auto start = Clock::now();
    emit(a, words.first, "", 0, false);
    std::string error;
    try {
      perform(a);
    } catch (const std::exception& e) {
      error = e.what();
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::lock_guard lock(mutex_);
    --running_;
    ++finished_;
    if (error.empty()) {
      state_[i] = State::done;
      emit(a, words.second, "", seconds, true);
    } else if (a.optional) {
      state_[i] = State::done;  // required: false: the dependents start anyway
      emit(a, "Warning", error + " (required: false, going on)", seconds, true);
    } else {
      state_[i] = State::failed;
      failures_.push_back(std::string(kind_of(a.kind)) + " " + a.target + ": " + error);
      emit(a, "Error", error, seconds, true);
    }
    changed_.notify_all();
  }

  void emit(const Action& a, const std::string& status, const std::string& message, double seconds, bool done) {
    if (!options_.events) return;
    std::lock_guard lock(event_mutex_);
    options_.events(Event{kind_of(a.kind), a.target, status, message, seconds, done});
  }

  // Containers made ahead whose start never came (a dependency failed): as with docker, a
  // container that was not started runs nothing, so their held processes end here.
  void release_unstarted() {
    for (const auto& [name, id] : prepared_) {
      try {
        runtime::stop_container(id, "SIGKILL", runtime::Duration::zero());
      } catch (const std::exception& e) {
        log::warn(name + ": " + e.what());
      }
    }
    prepared_.clear();
  }

  std::string id_of(const Action& a) {
    if (!a.id.empty()) return a.id;
    std::lock_guard lock(mutex_);
    auto it = created_.find(a.target);
    if (it == created_.end()) throw Error("no container " + a.target + " was created");
    return it->second;
  }

  // The ids of a service's containers, as running now.
  std::vector<std::string> service_ids(const std::string& service) {
    std::vector<std::string> ids;
    for (const auto& r : project_containers(project_.name))
      if (label_of(r, labels::kService) == service && label_of(r, labels::kOneOff) != "True") ids.push_back(r.id);
    return ids;
  }

  void perform(const Action& a) {
    switch (a.kind) {
      case ActionKind::pull_image: {
        image::Store store;
        image::registry::PullOptions o;
        image::registry::pull_image(store, image::parse_reference(a.target), o);
        return;
      }
      case ActionKind::create_network:
        network::ensure_network(network_spec(project_, a.target));
        return;
      case ActionKind::create_volume: {
        volumes::VolumeStore store;
        volumes::VolumeCreate v;
        v.name = a.target;
        for (const auto& [key, vol] : project_.volumes) {
          if (vol.name != a.target) continue;
          if (!vol.driver.empty()) v.driver = vol.driver;
          v.driver_opts = {vol.driver_opts.begin(), vol.driver_opts.end()};
          v.labels = {vol.labels.begin(), vol.labels.end()};
          v.labels["com.docker.compose.project"] = project_.name;
          v.labels["com.docker.compose.volume"] = key;
        }
        store.ensure(v);
        return;
      }
      case ActionKind::create_container: {
        ContainerRequest req{&project_, &project_.services.at(a.service), a.number, false, a.target};
        std::string id = create_service_container(req);
        {
          std::lock_guard lock(mutex_);
          created_[a.target] = id;
        }
        if (a.prepare) {
          runtime::prepare_container(id);
          std::lock_guard lock(mutex_);
          prepared_[a.target] = id;
        }
        return;
      }
      case ActionKind::start_container: {
        std::string id = id_of(a);
        runtime::start_container(id);
        std::lock_guard lock(mutex_);
        prepared_.erase(a.target);
        return;
      }
      case ActionKind::restart_container: {
        std::string id = id_of(a);
        runtime::stop_container(id, std::nullopt, stop_grace());
        runtime::start_container(id);
        return;
      }
      case ActionKind::wait_started:
        return;
      case ActionKind::wait_healthy:
        wait_healthy(a.service);
        return;
      case ActionKind::wait_completed:
        wait_completed(a.service);
        return;
      case ActionKind::stop_container:
        if (runtime::read_record(id_of(a))) runtime::stop_container(id_of(a), std::nullopt, stop_grace());
        return;
      case ActionKind::remove_container:
        remove_service_container(id_of(a), options_.remove_anonymous_volumes);
        return;
      case ActionKind::remove_network:
        network::remove_network(a.target);
        return;
      case ActionKind::remove_volume: {
        volumes::VolumeStore store;
        store.remove(a.target);
        return;
      }
      case ActionKind::remove_image: {
        image::Store store;
        store.remove_reference(image::parse_reference(a.target));
        store.collect_garbage();
        return;
      }
    }
  }

  std::optional<runtime::Duration> stop_grace() const {
    if (options_.stop_timeout.count() < 0) return std::nullopt;
    return std::chrono::duration_cast<runtime::Duration>(options_.stop_timeout);
  }

  // Waits for every container of `service` until `settled` says its state is final, then asks
  // `failure` whether that state is a failure (its reason) or a success ("").
  void wait_service(const std::string& service, const char* goal,
                    const std::function<bool(const runtime::ContainerRecord&)>& settled,
                    const std::function<std::string(const runtime::ContainerRecord&)>& failure) {
    auto ids = service_ids(service);
    if (ids.empty()) throw Error("dependency " + service + " has no container");
    auto deadline = Clock::now() + options_.wait_timeout;
    for (const auto& id : ids) {
      std::optional<runtime::Duration> limit;
      if (options_.wait_timeout.count() > 0)
        limit = std::max(runtime::Duration(1), std::chrono::duration_cast<runtime::Duration>(deadline - Clock::now()));
      auto record = runtime::wait_for_record(id, settled, limit);
      if (!record) throw Error("dependency " + service + " did not become " + goal + " in time");
      std::string why = failure(*record);
      if (!why.empty()) throw Error("dependency " + service + " is not " + goal + ": " + why);
    }
  }

  static bool exited(const runtime::ContainerRecord& r) { return r.status == "exited" || r.status == "dead"; }

  void wait_healthy(const std::string& service) {
    wait_service(
        service, "healthy",
        [](const runtime::ContainerRecord& r) {
          return r.health.status.empty() || r.health.status == "healthy" || r.health.status == "unhealthy" || exited(r);
        },
        [](const runtime::ContainerRecord& r) -> std::string {
          if (r.health.status.empty()) return "container " + r.name + " has no healthcheck";
          if (exited(r)) return "container " + r.name + " exited with code " + std::to_string(r.exit_code);
          if (r.health.status == "unhealthy") return "container " + r.name + " is unhealthy";
          return "";
        });
  }

  void wait_completed(const std::string& service) {
    wait_service(
        service, "completed", [](const runtime::ContainerRecord& r) { return exited(r); },
        [](const runtime::ContainerRecord& r) -> std::string {
          if (r.exit_code != 0) return "container " + r.name + " exited with code " + std::to_string(r.exit_code);
          return "";
        });
  }

  const compose::Plan& plan_;
  const compose::Project& project_;
  const ExecuteOptions& options_;
  std::mutex mutex_;
  std::mutex event_mutex_;
  std::condition_variable changed_;
  std::vector<State> state_;
  std::vector<std::thread> threads_;
  size_t running_ = 0;
  size_t finished_ = 0;
  std::vector<std::string> failures_;
  std::map<std::string, std::string> created_;  // container name -> id
  std::map<std::string, std::string> prepared_;  // made ahead, not started yet (by name)
};

}  // namespace

void execute(const compose::Plan& plan, const compose::Project& project, const ExecuteOptions& options) {
  if (plan.actions.empty()) return;
  Run(plan, project, options).go();
}

}  // namespace berth::stack
