// One step (start, stop, kill, pause, ...) over some of a project's containers: dependency layer
// by layer, the containers of a layer in parallel, with a progress event per container, as the
// project verbs that act on existing containers need it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compose/model.h"
#include "runtime/container/record.h"
#include "stack/events.h"

namespace berth::cli {

struct ContainerStep {
  const char* doing = "";  // the progress words: "Stopping", "Stopped"
  const char* done = "";
  std::function<void(const runtime::ContainerRecord&)> act;
};

// Runs `step` on every container, dependencies first (or, with `reverse`, dependents first: the
// order of stopping). Containers of services the blueprint no longer has go last (first when
// reversed). Every container is tried; the failures are thrown together as one berth::Error.
void run_in_layers(const compose::Project& project, const std::vector<runtime::ContainerRecord>& containers,
                   bool reverse, const ContainerStep& step, const stack::EventSink& events);

// The container number `index` of a service (its com.docker.compose.container-number), or a
// clear error when the service has none such.
runtime::ContainerRecord service_container(const compose::Project& project, const std::string& service, int index);

// Checks that every named service is in the blueprint (a clear error otherwise).
void check_services(const compose::Project& project, const std::vector<std::string>& services);

}  // namespace berth::cli
