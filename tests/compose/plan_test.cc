#include "compose/plan.h"

#include <gtest/gtest.h>

#include "compose/config_hash.h"
#include "compose/normalise.h"

namespace berth::compose {
namespace {

Project two_services() {
  Project p;
  p.name = "demo";
  Service db;
  db.name = "db";
  db.image = "busybox";
  Service web;
  web.name = "web";
  web.image = "busybox";
  web.depends_on["db"].condition = "service_healthy";
  p.services["db"] = db;
  p.services["web"] = web;
  normalise(p);
  return p;
}

int count(const Plan& plan, ActionKind kind) {
  int n = 0;
  for (const auto& a : plan.actions) n += a.kind == kind;
  return n;
}

const Action* find(const Plan& plan, ActionKind kind, const std::string& target) {
  for (const auto& a : plan.actions)
    if (a.kind == kind && a.target == target) return &a;
  return nullptr;
}

Observed running(const Project& p) {
  Observed o;
  o.networks.insert("demo_default");
  for (const auto& [name, s] : p.services)
    o.containers.push_back({"id-" + name, "demo-" + name + "-1", name, 1, service_config_hash(s), "", "running", false});
  return o;
}

bool waits_for(const Plan& plan, const Action* a, const Action* b) {
  size_t index = static_cast<size_t>(b - plan.actions.data());
  return std::find(a->after.begin(), a->after.end(), index) != a->after.end();
}

TEST(PlanUp, FreshProjectCreatesEverythingAtOnceAndStartsInOrder) {
  Project p = two_services();
  Plan plan = plan_up(p, {}, {});
  const Action* network = find(plan, ActionKind::create_network, "demo_default");
  const Action* create_web = find(plan, ActionKind::create_container, "demo-web-1");
  const Action* start_web = find(plan, ActionKind::start_container, "demo-web-1");
  const Action* wait_db = find(plan, ActionKind::wait_healthy, "db");
  ASSERT_TRUE(network && create_web && start_web && wait_db);
  EXPECT_TRUE(waits_for(plan, create_web, network));
  EXPECT_FALSE(waits_for(plan, create_web, wait_db)) << describe(plan);
  EXPECT_TRUE(waits_for(plan, start_web, wait_db)) << describe(plan);
  EXPECT_TRUE(waits_for(plan, start_web, create_web));
  EXPECT_EQ(count(plan, ActionKind::start_container), 2);
}

TEST(PlanUp, AContainerWhoseStartWaitsIsMadeAhead) {
  Project p = two_services();
  Plan plan = plan_up(p, {}, {});
  const Action* create_web = find(plan, ActionKind::create_container, "demo-web-1");
  const Action* create_db = find(plan, ActionKind::create_container, "demo-db-1");
  ASSERT_TRUE(create_web && create_db);
  EXPECT_TRUE(create_web->prepare) << "web's start waits for db: made ahead, then a runc start";
  EXPECT_FALSE(create_db->prepare) << "db starts at once: one runc run does both";
  // Host paths are bound when runc makes it: a setup job may replace a bound file first.
  Project with_bind = p;
  ServiceVolume bind;
  bind.type = "bind";
  bind.source = "/srv/app.conf";
  bind.target = "/etc/app.conf";
  with_bind.services["web"].volumes.push_back(bind);
  EXPECT_FALSE(find(plan_up(with_bind, {}, {}), ActionKind::create_container, "demo-web-1")->prepare);
  // Joining another's namespaces, it is made after its dependency anyway.
  p.services["web"].network_mode = "service:db";
  EXPECT_FALSE(find(plan_up(p, {}, {}), ActionKind::create_container, "demo-web-1")->prepare);
}

TEST(PlanUp, ContainerJoiningAnotherServiceIsCreatedAfterIt) {
  Project p = two_services();
  p.services["web"].network_mode = "service:db";
  Plan plan = plan_up(p, {}, {});
  const Action* create_web = find(plan, ActionKind::create_container, "demo-web-1");
  const Action* wait_db = find(plan, ActionKind::wait_healthy, "db");
  ASSERT_TRUE(create_web && wait_db);
  EXPECT_TRUE(waits_for(plan, create_web, wait_db)) << describe(plan);
}

TEST(PlanUp, RecreatedContainerIsCreatedAfterTheOldOneIsRemoved) {
  Project p = two_services();
  Observed o = running(p);
  p.services["web"].environment["X"] = "1";
  Plan plan = plan_up(p, o, {});
  const Action* remove = find(plan, ActionKind::remove_container, "demo-web-1");
  const Action* create = find(plan, ActionKind::create_container, "demo-web-1");
  ASSERT_TRUE(remove && create);
  EXPECT_TRUE(waits_for(plan, create, remove)) << describe(plan);
}

TEST(PlanUp, NothingChangedGivesAnEmptyPlan) {
  Project p = two_services();
  EXPECT_TRUE(plan_up(p, running(p), {}).empty()) << describe(plan_up(p, running(p), {}));
}

TEST(PlanUp, ChangedServiceIsRecreatedAlone) {
  Project p = two_services();
  Observed o = running(p);
  p.services["web"].environment["X"] = "1";
  Plan plan = plan_up(p, o, {});
  EXPECT_TRUE(find(plan, ActionKind::remove_container, "demo-web-1"));
  EXPECT_TRUE(find(plan, ActionKind::create_container, "demo-web-1"));
  EXPECT_FALSE(find(plan, ActionKind::remove_container, "demo-db-1"));
  EXPECT_EQ(find(plan, ActionKind::create_container, "demo-web-1")->reason, "config changed");
}

TEST(PlanUp, ChangedImageRecreates) {
  Project p = two_services();
  Observed o = running(p);
  for (auto& c : o.containers) c.image_id = "sha256:old";
  o.images["busybox"] = "sha256:new";
  Plan plan = plan_up(p, o, {});
  EXPECT_EQ(count(plan, ActionKind::create_container), 2);
}

TEST(PlanUp, StoppedContainerIsStarted) {
  Project p = two_services();
  Observed o = running(p);
  o.containers[0].state = "exited";
  Plan plan = plan_up(p, o, {});
  EXPECT_TRUE(find(plan, ActionKind::start_container, o.containers[0].name));
  EXPECT_EQ(count(plan, ActionKind::create_container), 0);
}

TEST(PlanUp, ScaleUpAndDown) {
  Project p = two_services();
  Observed o = running(p);
  UpOptions up;
  up.scale["web"] = 3;
  Plan plan = plan_up(p, o, up);
  EXPECT_TRUE(find(plan, ActionKind::create_container, "demo-web-2"));
  EXPECT_TRUE(find(plan, ActionKind::create_container, "demo-web-3"));
  o.containers.push_back({"id-w2", "demo-web-2", "web", 2, service_config_hash(p.services["web"]), "", "running", false});
  up.scale["web"] = 1;
  plan = plan_up(p, o, up);
  EXPECT_TRUE(find(plan, ActionKind::remove_container, "demo-web-2"));
  EXPECT_FALSE(find(plan, ActionKind::remove_container, "demo-web-1"));
}

TEST(PlanUp, OrphansReportedAndRemovedOnRequest) {
  Project p = two_services();
  Observed o = running(p);
  o.containers.push_back({"id-old", "demo-old-1", "old", 1, "h", "", "running", false});
  Plan plan = plan_up(p, o, {});
  ASSERT_EQ(plan.orphans.size(), 1u);
  EXPECT_FALSE(find(plan, ActionKind::remove_container, "demo-old-1"));
  UpOptions up;
  up.remove_orphans = true;
  EXPECT_TRUE(find(plan_up(p, o, up), ActionKind::remove_container, "demo-old-1"));
}

TEST(PlanUp, WaitOnADependencyThatIsNotRequiredIsOptional) {
  Project p = two_services();
  EXPECT_FALSE(find(plan_up(p, {}, {}), ActionKind::wait_healthy, "db")->optional);
  p.services["web"].depends_on["db"].required = false;
  EXPECT_TRUE(find(plan_up(p, {}, {}), ActionKind::wait_healthy, "db")->optional);
}

TEST(PlanUp, NoDepsAndSelectedServices) {
  Project p = two_services();
  UpOptions up;
  up.services = {"web"};
  EXPECT_TRUE(find(plan_up(p, {}, up), ActionKind::create_container, "demo-db-1"));
  up.no_deps = true;
  EXPECT_FALSE(find(plan_up(p, {}, up), ActionKind::create_container, "demo-db-1"));
  up.services = {"nope"};
  EXPECT_THROW(plan_up(p, {}, up), Error);
}

TEST(PlanUp, PullsFollowThePolicy) {
  Project p = two_services();
  Observed o;
  EXPECT_EQ(count(plan_pulls(p, o, {}), ActionKind::pull_image), 1);  // one reference, once
  o.images["busybox"] = "sha256:x";
  EXPECT_EQ(count(plan_pulls(p, o, {}), ActionKind::pull_image), 0);
  UpOptions always;
  always.pull = "always";
  EXPECT_EQ(count(plan_pulls(p, o, always), ActionKind::pull_image), 1);
}

TEST(PlanDown, StopsDependentsFirstAndRemovesNetworks) {
  Project p = two_services();
  Observed o = running(p);
  Plan plan = plan_down(p, o, {});
  const Action* stop_web = find(plan, ActionKind::stop_container, "demo-web-1");
  const Action* stop_db = find(plan, ActionKind::stop_container, "demo-db-1");
  ASSERT_TRUE(stop_web && stop_db);
  size_t web_index = static_cast<size_t>(stop_web - plan.actions.data());
  EXPECT_NE(std::find(stop_db->after.begin(), stop_db->after.end(), web_index), stop_db->after.end());
  EXPECT_TRUE(find(plan, ActionKind::remove_network, "demo_default"));
  EXPECT_EQ(count(plan, ActionKind::remove_volume), 0);
}

TEST(PlanDown, RemovesDependentsBeforeWhatTheyDependOn) {
  // web may use db's volumes (volumes_from): db, and with -v its anonymous volumes, go after web.
  Project p = two_services();
  Observed o = running(p);
  Plan plan = plan_down(p, o, {});
  const Action* rm_web = find(plan, ActionKind::remove_container, "demo-web-1");
  const Action* rm_db = find(plan, ActionKind::remove_container, "demo-db-1");
  ASSERT_TRUE(rm_web && rm_db);
  size_t web_index = static_cast<size_t>(rm_web - plan.actions.data());
  EXPECT_NE(std::find(rm_db->after.begin(), rm_db->after.end(), web_index), rm_db->after.end());
}

}  // namespace
}  // namespace berth::compose
