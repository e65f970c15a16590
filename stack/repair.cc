#include "stack/repair.h"

#include "runtime/container/record.h"
#include "stack/container_lifecycle.h"
#include "stack/resources.h"
#include "util/log.h"

namespace berth::stack {

int repair_project(const std::string& project) {
  int repaired = 0;
  for (const auto& r : list_resources()) {
    if (r.project != project || runtime::read_record(r.id)) continue;
    log::info("cleaning up " + r.name + ", left half-made by an interrupted berth");
    // Its anonymous volumes stay: they may be those of the container it was to replace, and the
    // next container of that name takes them over.
    remove_service_container(r.id, false);
    ++repaired;
  }
  return repaired;
}

}  // namespace berth::stack
