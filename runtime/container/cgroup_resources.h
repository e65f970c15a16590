// A container's resource limits in the two forms runc takes them:
//  - cgroup v1 (and hybrid hosts, where runc uses the v1 controllers): the OCI fields
//    memory.limit/reservation/swap, cpu.shares/quota/period/cpus/mems, pids.limit;
//  - cgroup v2 (unified): the files of the unified hierarchy, written as linux.resources.unified,
//    with Docker's meanings made explicit: memory.swap.max is the swap alone (memswap_limit minus
//    mem_limit; -1 is "max"), cpu.weight comes from cpu_shares (1024 -> 39, runc's and crun's
//    formula), cpu.max is "<quota> <period>", a pids limit <= 0 is "max".
// Both are pure functions of the spec, tested without a v2 host.
#pragma once

#include <map>
#include <string>

#include "runtime/container/spec.h"

namespace berth::runtime {

// Throws berth::Error on limits no cgroup version can apply: memswap_limit without mem_limit, or
// below it; a reservation above the limit.
void check_resources(const ResourceSpec& r);

// The unified-hierarchy files and values for the limits that are set (nothing for the rest).
std::map<std::string, std::string> cgroup_v2_resources(const ResourceSpec& r);

// cpu.shares (2..262144, clamped) as cpu.weight (1..10000).
uint64_t cpu_weight_from_shares(uint64_t shares);

}  // namespace berth::runtime
