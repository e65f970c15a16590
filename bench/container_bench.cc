// container_bench ROOTFS N: creates and starts N containers (`sleep 1000` in ROOTFS) at once
// through berth's runtime, prints how long until all ran, then the memory and idle CPU of their
// supervisors, and removes them. bench/containers.sh sets BERTH_ROOT, BERTH_RUN_ROOT and
// BERTH_SUPERVISOR.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/container/container.h"
#include "runtime/container/command.h"
#include "util/paths.h"

using namespace berth::runtime;

namespace {
struct Usage {
  long rss_kb = 0;
  long pss_kb = 0;
  long private_kb = 0;
  long cpu_ticks = 0;
};

std::vector<int> supervisor_pids() {
  std::vector<int> pids;
  std::string marker = berth::paths::run_root().string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find("berth-supervisor") != std::string::npos &&
        cmdline.find(marker) != std::string::npos)
      pids.push_back(std::stoi(entry.path().filename().string()));
  }
  return pids;
}

Usage usage_of(int pid) {
  Usage u;
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  long value;
  std::string unit;
  std::string line;
  while (std::getline(rollup, line)) {
    if (std::sscanf(line.c_str(), "Rss: %ld", &value) == 1) u.rss_kb = value;
    if (std::sscanf(line.c_str(), "Pss: %ld", &value) == 1) u.pss_kb = value;
    long a;
    if (std::sscanf(line.c_str(), "Private_Clean: %ld", &a) == 1) u.private_kb += a;
    if (std::sscanf(line.c_str(), "Private_Dirty: %ld", &a) == 1) u.private_kb += a;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto after = text.rfind(')');
  std::vector<std::string> fields;
  std::string field;
  for (size_t i = after + 2; i < text.size(); ++i) {
    if (text[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += text[i];
    }
  }
  if (fields.size() > 13) u.cpu_ticks = std::stol(fields[11]) + std::stol(fields[12]);
  return u;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: container_bench ROOTFS N\n");
    return 2;
  }
  std::string rootfs = argv[1];
  int count = std::atoi(argv[2]);
  std::vector<ContainerSpec> specs(static_cast<size_t>(count));
  for (auto& spec : specs) {
    spec.id = new_container_id();
    spec.name = "bench-" + spec.id.substr(0, 8);
    spec.rootfs = rootfs;
    spec.process.args = {"/bin/sleep", "1000"};
    spec.process.env = container_env({}, {}, "bench", false);
    spec.hostname = "bench";
    // BERTH_BENCH_INTERACTIVE=1: containers with a terminal and stdin kept (attachable shells).
    if (const char* interactive = std::getenv("BERTH_BENCH_INTERACTIVE"); interactive && *interactive == '1') {
      spec.process.tty = true;
      spec.process.stdin_open = true;
    }
  }
  if (count == 1) {  // one container: where the time goes
    auto t0 = std::chrono::steady_clock::now();
    create_container(specs[0]);
    auto t1 = std::chrono::steady_clock::now();
    // The bench script runs bare runc on berth's own config.json too (same seccomp and mounts).
    if (const char* out = std::getenv("BERTH_BENCH_CONFIG_OUT"))
      std::filesystem::copy_file(container_run_dir(specs[0].id) / "config.json", out,
                                 std::filesystem::copy_options::overwrite_existing);
    start_container(specs[0].id);
    auto t2 = std::chrono::steady_clock::now();
    remove_container(specs[0].id, true);
    std::printf("  (a first run: create %.1f ms, start %.1f ms)\n",
                std::chrono::duration<double, std::milli>(t1 - t0).count(),
                std::chrono::duration<double, std::milli>(t2 - t1).count());
    specs[0].id = new_container_id();
  }
  auto begin = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::vector<std::string> errors(specs.size());
  std::vector<double> create_ms(specs.size()), start_ms(specs.size());
  for (size_t i = 0; i < specs.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        auto t0 = std::chrono::steady_clock::now();
        create_container(specs[i]);
        auto t1 = std::chrono::steady_clock::now();
        start_container(specs[i].id);
        auto t2 = std::chrono::steady_clock::now();
        create_ms[i] = std::chrono::duration<double, std::milli>(t1 - t0).count();
        start_ms[i] = std::chrono::duration<double, std::milli>(t2 - t1).count();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin);
  double create_sum = 0, start_sum = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    create_sum += create_ms[i];
    start_sum += start_ms[i];
  }
  std::printf("  (per container, mean: create %.1f ms, start %.1f ms)\n", create_sum / count,
              start_sum / count);
  int failed = 0;
  for (const auto& e : errors)
    if (!e.empty()) {
      std::fprintf(stderr, "error: %s\n", e.c_str());
      ++failed;
    }
  std::printf("berth create+start, %d container(s) at once: %.0f ms (%.1f ms each)%s\n", count,
              took.count(), took.count() / count, failed ? " (with failures)" : "");

  auto pids = supervisor_pids();
  std::vector<Usage> before;
  for (int pid : pids) before.push_back(usage_of(pid));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // idle time whose CPU use is measured
  long rss = 0, pss = 0, priv = 0, ticks = 0;
  for (size_t i = 0; i < pids.size(); ++i) {
    Usage u = usage_of(pids[i]);
    rss += u.rss_kb;
    pss += u.pss_kb;
    priv += u.private_kb;
    ticks += u.cpu_ticks - before[i].cpu_ticks;
  }
  if (!pids.empty())
    std::printf(
        "supervisor memory, mean of %zu: RSS %ld kB, PSS %ld kB, private %ld kB; CPU while idle "
        "3 s: %ld ticks in all\n",
        pids.size(), rss / static_cast<long>(pids.size()), pss / static_cast<long>(pids.size()),
        priv / static_cast<long>(pids.size()), ticks);

  for (const auto& spec : specs) {
    try {
      remove_container(spec.id, true);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
    }
  }
  return failed ? 1 : 0;
}
