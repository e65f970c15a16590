// berth up and down of whole stacks, end to end through the binary: the examples answer, start
// order follows the dependencies, convergence, scaling, abort-on-exit, a killed `up`, two `up`s
// at once, data in volumes across down and up. Each test leaves nothing behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/compose_project.h"

namespace berth::test {
namespace {

namespace stdfs = std::filesystem;

std::map<std::string, std::string> ids_by_name(const ComposeProject& p) {
  Result r = p({"ps", "-a", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> out;
  for (const auto& c : nlohmann::json::parse(r.out)) out[c["Name"]] = c["ID"];
  return out;
}

std::string shell_output(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

// Processes of the project: supervisors name their container's run directory on their command
// line; containers (and runc's waiting init) have their root under the state root.
std::vector<std::string> processes_of(const ComposeProject& p) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator("/proc", ec)) {
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string root = stdfs::read_symlink(e.path() / "root", ec).string();
    if (cmdline.find(p.dir().string()) != std::string::npos || root.find(p.dir().string()) != std::string::npos)
      found.push_back(e.path().filename().string() + " " + cmdline);
  }
  return found;
}

// Mounts, namespaces and half-made containers of this project's state roots.
void expect_nothing_left(const ComposeProject& p) {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) EXPECT_EQ(line.find(p.dir().string()), std::string::npos) << line;
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(p.dir() / "state" / "stack", ec))
    if (e.path().extension() == ".json") ADD_FAILURE() << "resources left: " << e.path();
  for (const auto& e : stdfs::directory_iterator(p.dir() / "run" / "netns", ec)) ADD_FAILURE() << "netns left: " << e.path();
  for (const auto& pid : processes_of(p)) ADD_FAILURE() << "process left: " << pid;
}

// A blueprint of `n` services s1..sn that sleep.
std::string sleepers(int n) {
  std::string yaml = "services:\n";
  for (int i = 1; i <= n; ++i)
    yaml += "  s" + std::to_string(i) + ":\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n";
  return yaml;
}

std::string two_services(const std::string& env_value) {
  return "services:\n"
         "  db:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n"
         "  app:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n"
         "    environment: {MODE: " + env_value + "}\n    depends_on: [db]\n";
}

std::string example_blueprint(const std::string& name) {
  std::ifstream in(std::string(BERTH_SOURCE_DIR) + "/examples/" + name + "/compose.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string yaml = s.str();
  yaml.replace(yaml.find("name: " + name), 6 + name.size(), "");  // the test project's own name
  return yaml;
}

// The example's files beside its compose.yaml, and its images (made offline by the script).
void prepare_example(const ComposeProject& p, const std::string& name) {
  for (const auto& e : stdfs::directory_iterator(std::string(BERTH_SOURCE_DIR) + "/examples/" + name))
    if (e.is_directory()) stdfs::copy(e.path(), p.dir() / e.path().filename(), stdfs::copy_options::recursive);
  std::string env = "BERTH_ROOT=" + (p.dir() / "state").string() + " BERTH_RUN_ROOT=" + (p.dir() / "run").string();
  ASSERT_EQ(std::system((env + " " + BERTH_SOURCE_DIR + "/scripts/make-images.sh " + BERTH_BINARY + " >/dev/null").c_str()), 0);
}

TEST(StackE2E, WorkerQueueExampleMigratesOnceAndWorkersTakeJobs) {
  ComposeProject p(example_blueprint("worker-queue"));
  prepare_example(p, "worker-queue");
  Result up = p({"up", "-d", "--wait"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  auto states = p.states();
  EXPECT_NE(std::find(states.begin(), states.end(), std::make_pair(p.name() + "-migrate-1", std::string("exited"))),
            states.end());
  EXPECT_EQ(p({"logs", "--no-log-prefix", "migrate"}).out, "OK\nOK\nmigrated\n");
  // Jobs go through: the count of done jobs grows (the producer adds one a second).
  int done = 0;
  for (int i = 0; i < 100 && done < 2; ++i) {
    done = std::atoi(p({"exec", "-T", "queue", "redis-cli", "get", "done"}).out.c_str());
    if (done < 2) ::usleep(100 * 1000);
  }
  EXPECT_GE(done, 2);
  EXPECT_NE(p({"logs", "worker"}).out.find(" did job-"), std::string::npos);
  ASSERT_EQ(p({"down", "-v", "-t", "1"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, MultiNetworkExampleIsolatesTheBackNetwork) {
  std::string yaml = example_blueprint("multi-network");
  yaml.replace(yaml.find("\"8081:80\""), 9, "\"127.0.0.1:18381:80\"");
  ComposeProject p(yaml);
  prepare_example(p, "multi-network");
  Result up = p({"up", "-d", "--wait"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(shell_output("curl -fsS http://127.0.0.1:18381/cgi-bin/check"),
            "app via backend: +PONG\ndb: not visible from web\n");
  // The back network is internal: db has no way out, not even to web on the other berth network.
  Result web_ip = p({"exec", "-T", "web", "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1"});
  ASSERT_EQ(web_ip.exit_code, 0) << web_ip.err;
  std::string ip = web_ip.out.substr(0, web_ip.out.find('\n'));
  ASSERT_FALSE(ip.empty());
  Result out = p({"exec", "-T", "db", "sh", "-c", "echo GET / | nc -w 1 " + ip + " 80"});
  EXPECT_NE(out.exit_code, 0) << out.out;
  EXPECT_EQ(out.err.find("not found"), std::string::npos) << "the probe itself must run: " << out.err;
  Result reach = p({"exec", "-T", "web", "sh", "-c", "echo GET / | nc -w 1 " + ip + " 80 >/dev/null"});
  EXPECT_EQ(reach.exit_code, 0) << "the same probe from web itself must work: " << reach.err;
  ASSERT_EQ(p({"down", "-v", "-t", "1"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, WebappExampleAnswersAndStartsInDependencyOrder) {
  std::string yaml;
  {
    std::ifstream in(std::string(BERTH_SOURCE_DIR) + "/examples/webapp/compose.yaml");
    std::stringstream s;
    s << in.rdbuf();
    yaml = s.str();
  }
  size_t port = yaml.find("\"8080:80\"");
  ASSERT_NE(port, std::string::npos);
  yaml.replace(port, 9, "\"127.0.0.1:18380:80\"");
  yaml.replace(yaml.find("name: webapp"), 12, "");
  ComposeProject p(yaml);
  stdfs::copy(std::string(BERTH_SOURCE_DIR) + "/examples/webapp/api", p.dir() / "api");
  stdfs::copy(std::string(BERTH_SOURCE_DIR) + "/examples/webapp/web", p.dir() / "web", stdfs::copy_options::recursive);
  std::string env = "BERTH_ROOT=" + (p.dir() / "state").string() + " BERTH_RUN_ROOT=" + (p.dir() / "run").string();
  ASSERT_EQ(std::system((env + " " + BERTH_SOURCE_DIR + "/scripts/make-images.sh " + BERTH_BINARY + " >/dev/null").c_str()), 0);

  Result up = p({"up", "-d", "--wait"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  // Everything is created at once; cache is healthy before api starts, api before web.
  auto at = [&](const std::string& text) { return up.err.find(text); };
  ASSERT_NE(at("Container cache  Healthy"), std::string::npos) << up.err;
  ASSERT_NE(at("Container " + p.name() + "-web-1  Started"), std::string::npos) << up.err;
  EXPECT_LT(at("Container cache  Healthy"), at("Container " + p.name() + "-api-1  Started")) << up.err;
  EXPECT_LT(at("Container api  Healthy"), at("Container " + p.name() + "-web-1  Started")) << up.err;

  EXPECT_EQ(shell_output("curl -fsS http://127.0.0.1:18380/cgi-bin/visits"), "visits: 1\n");
  EXPECT_EQ(shell_output("curl -fsS http://127.0.0.1:18380/cgi-bin/visits"), "visits: 2\n");
  Result down = p({"down", "-v"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  expect_nothing_left(p);
}

// The container events berth records show each start waiting for its dependency's condition.
TEST(StackE2E, RecordedEventsShowStartsFollowingTheConditions) {
  ComposeProject p(R"(
services:
  db:
    image: busybox
    command: ["sleep", "1000"]
    init: true
    healthcheck: {test: ["CMD", "true"], interval: 30s, start_period: 5s, start_interval: 200ms}
  migrate:
    image: busybox
    command: ["sh", "-c", "sleep 0.3"]
  app:
    image: busybox
    command: ["sleep", "1000"]
    init: true
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
)");
  Background events(p.args({"--log-level", "info", "events", "--json"}), p.dir().string(), p.env());
  ASSERT_TRUE(events.wait_for_stderr("watching"));
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  events.signal(SIGINT);
  Result r = events.finish();
  std::vector<std::string> seen;  // "service action", in the order recorded
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    seen.push_back(j["service"].get<std::string>() + " " + j["action"].get<std::string>());
  }
  auto at = [&](const std::string& what) {
    auto it = std::find(seen.begin(), seen.end(), what);
    EXPECT_NE(it, seen.end()) << what << " not in:\n" << r.out;
    return it - seen.begin();
  };
  EXPECT_LT(at("db start"), at("db health_status: healthy"));
  EXPECT_LT(at("db health_status: healthy"), at("app start")) << r.out;
  EXPECT_LT(at("migrate die"), at("app start")) << r.out;
  ASSERT_EQ(p({"down", "-t", "0"}).exit_code, 0);
  expect_nothing_left(p);
}

// depends_on with required: false: a dependency that fails is a warning, and the dependent starts.
TEST(StackE2E, AFailedDependencyThatIsNotRequiredIsAWarning) {
  ComposeProject p(R"(
services:
  setup:
    image: busybox
    command: ["sh", "-c", "exit 3"]
  app:
    image: busybox
    command: ["sleep", "1000"]
    init: true
    depends_on:
      setup: {condition: service_completed_successfully, required: false}
)");
  Result up = p({"up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.err.find("exited with code 3 (required: false, going on)"), std::string::npos) << up.err;
  auto states = p.states();
  EXPECT_NE(std::find(states.begin(), states.end(), std::make_pair(p.name() + "-app-1", std::string("running"))),
            states.end());
  p.rewrite(R"(
services:
  setup:
    image: busybox
    command: ["sh", "-c", "exit 3"]
  app:
    image: busybox
    command: ["sleep", "1000"]
    init: true
    depends_on:
      setup: {condition: service_completed_successfully}
)");
  Result strict = p({"up", "-d", "--force-recreate"});
  EXPECT_NE(strict.exit_code, 0) << strict.err;
  EXPECT_NE(strict.err.find("dependency setup is not completed"), std::string::npos) << strict.err;
  ASSERT_EQ(p({"down", "-t", "0"}).exit_code, 0);
  expect_nothing_left(p);
}

// A dependent waiting for its dependency is made ahead (runc create) and started with a
// `runc start` once the dependency is ready. When the dependency fails, it stays "created" without
// its command having run, and a later `up` starts it.
TEST(StackE2E, ADependentMadeAheadStartsOnlyOnceItsDependencyIsDone) {
  const char* blueprint = R"(
services:
  setup:
    image: busybox
    command: ["sh", "-c", "exit $$SETUP_EXIT"]
    environment: {SETUP_EXIT: "%s"}
  app:
    image: busybox
    command: ["sh", "-c", "echo app ran; exec sleep 1000"]
    init: true
    depends_on:
      setup: {condition: service_completed_successfully}
)";
  auto with_exit = [&](const char* code) {
    std::string yaml = blueprint;
    yaml.replace(yaml.find("%s"), 2, code);
    return yaml;
  };
  ComposeProject p(with_exit("4"));
  Result up = p({"up", "-d"});
  EXPECT_NE(up.exit_code, 0) << up.err;
  auto states = p.states();
  EXPECT_NE(std::find(states.begin(), states.end(), std::make_pair(p.name() + "-app-1", std::string("created"))),
            states.end());
  EXPECT_EQ(p({"logs", "app"}).out, "") << "app ran before its dependency completed";
  // Made ahead, then let go when its dependency failed: nothing of it runs, as with docker.
  auto left = processes_of(p);
  EXPECT_TRUE(left.empty()) << left.front();

  // setup now succeeds: its container is recreated, and the app made ahead is started.
  p.rewrite(with_exit("0"));
  Result again = p({"up", "-d"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  states = p.states();
  EXPECT_NE(std::find(states.begin(), states.end(), std::make_pair(p.name() + "-app-1", std::string("running"))),
            states.end());
  EXPECT_NE(p({"logs", "app"}).out.find("app ran"), std::string::npos);
  ASSERT_EQ(p({"down", "-t", "0"}).exit_code, 0);
  expect_nothing_left(p);
}

// --progress json: one object per step and state, for programs that drive berth.
TEST(StackE2E, ProgressJsonIsOneObjectPerStep) {
  ComposeProject p(two_services("json"));
  Result up = p.raw({"-f", (p.dir() / "compose.yaml").string(), "-p", p.name(), "--progress", "json", "up", "-d"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::map<std::string, std::vector<std::string>> statuses;  // target -> statuses in order
  std::istringstream lines(up.err);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);  // throws, failing the test, on anything else
    ASSERT_TRUE(j.contains("kind") && j.contains("target") && j.contains("status") && j.contains("done")) << line;
    if (j["done"].get<bool>()) {
      EXPECT_TRUE(j.contains("seconds")) << line;
    }
    statuses[j["target"]].push_back(j["status"]);
  }
  EXPECT_EQ(statuses[p.name() + "_default"], (std::vector<std::string>{"Creating", "Created"})) << up.err;
  EXPECT_EQ(statuses[p.name() + "-app-1"], (std::vector<std::string>{"Creating", "Created", "Starting", "Started"}))
      << up.err;
  ASSERT_EQ(p({"down", "-t", "0"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, SecondUpDoesNothingAndAChangeRecreatesOnlyThatService) {
  ComposeProject p(two_services("one"));
  ASSERT_EQ(p({"up", "-d"}).exit_code, 0);
  auto before = ids_by_name(p);
  ASSERT_EQ(before.size(), 2u);

  Result again = p({"up", "-d"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("Nothing to do"), std::string::npos) << again.err;
  EXPECT_EQ(ids_by_name(p), before);

  p.rewrite(two_services("two"));
  Result changed = p({"up", "-d"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  auto after = ids_by_name(p);
  EXPECT_EQ(after[p.name() + "-db-1"], before[p.name() + "-db-1"]);
  EXPECT_NE(after[p.name() + "-app-1"], before[p.name() + "-app-1"]);
  ASSERT_EQ(p({"down"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, ScaleUpAndDown) {
  ComposeProject p("services:\n  w:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n");
  ASSERT_EQ(p({"up", "-d", "--scale", "w=3"}).exit_code, 0);
  EXPECT_EQ(ids_by_name(p).size(), 3u);
  ASSERT_EQ(p({"up", "-d", "--scale", "w=1"}).exit_code, 0);
  auto left = ids_by_name(p);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.begin()->first, p.name() + "-w-1");
  ASSERT_EQ(p({"down"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, AbortOnContainerExitPassesTheExitCodeThrough) {
  ComposeProject p(
      "services:\n"
      "  job:\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo working; sleep 0.2; exit 3\"]\n"
      "  server:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n");
  Result r = p({"up", "--abort-on-container-exit", "--exit-code-from", "job"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("working"), std::string::npos) << r.out;
  ASSERT_EQ(p({"down"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, AKilledUpConvergesOnTheNextUp) {
  ComposeProject p(sleepers(8));
  {
    Background up(p.args({"up", "-d"}), p.dir().string(), p.env());
    ASSERT_TRUE(up.wait_for_stderr("Created", 60));
    up.signal(SIGKILL);
    up.finish();
  }
  Result again = p({"up", "-d"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  Result ps = p({"ps", "--format", "json"});
  auto running = nlohmann::json::parse(ps.out);
  EXPECT_EQ(running.size(), 8u) << ps.out;
  for (const auto& c : running) EXPECT_EQ(c["State"], "running");
  ASSERT_EQ(p({"down"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, TwoUpsAtOnceDoNotCorruptTheProject) {
  ComposeProject p(sleepers(4));
  Background first(p.args({"up", "-d"}), p.dir().string(), p.env());
  Background second(p.args({"up", "-d"}), p.dir().string(), p.env());
  Result a = first.finish(120);
  Result b = second.finish(120);
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(ids_by_name(p).size(), 4u);
  ASSERT_EQ(p({"down"}).exit_code, 0);
  expect_nothing_left(p);
}

TEST(StackE2E, VolumeDataSurvivesDownAndUpAndDownVRemovesIt) {
  ComposeProject p(
      "services:\n"
      "  writer:\n    image: busybox\n"
      "    command: [\"sh\", \"-c\", \"[ -f /data/n ] || echo first > /data/n; exec sleep 1000\"]\n"
      "    init: true\n    volumes: [\"data:/data\"]\n"
      "  reader:\n    image: busybox\n    command: [\"sleep\", \"1000\"]\n    init: true\n"
      "    volumes: [\"data:/shared:ro\"]\n    depends_on: [writer]\n"
      "volumes:\n  data: {}\n");
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  Result seen = p({"exec", "-T", "reader", "cat", "/shared/n"});
  EXPECT_EQ(seen.out, "first\n") << seen.err;
  Result ro = p({"exec", "-T", "reader", "sh", "-c", "echo x > /shared/n"});
  EXPECT_NE(ro.exit_code, 0);
  ASSERT_EQ(p({"exec", "-T", "writer", "sh", "-c", "echo second > /data/n"}).exit_code, 0);
  ASSERT_EQ(p({"down"}).exit_code, 0);
  ASSERT_EQ(p({"up", "-d", "--wait"}).exit_code, 0);
  EXPECT_EQ(p({"exec", "-T", "reader", "cat", "/shared/n"}).out, "second\n");
  ASSERT_EQ(p({"down", "-v"}).exit_code, 0);
  Result volumes = p.raw({"volume", "ls", "-q"});
  EXPECT_EQ(volumes.out, "") << volumes.out;
  expect_nothing_left(p);
}

}  // namespace
}  // namespace berth::test
