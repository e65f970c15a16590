#include "runtime/container/exec_process.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/error.h"

using namespace berth::runtime;
using nlohmann::json;

namespace {
const char* kContainerProcess = R"({
  "terminal": false,
  "user": {"uid": 0, "gid": 0, "additionalGids": [1]},
  "args": ["/sbin/init", "--", "sleep", "1000"],
  "env": ["PATH=/bin", "ROLE=app"],
  "cwd": "/srv",
  "capabilities": {"bounding": ["CAP_CHOWN"]},
  "noNewPrivileges": true,
  "consoleSize": {"height": 1, "width": 1}
})";
}

TEST(ExecProcess, KeepsTheContainersSettingsAndAppliesTheRequest) {
  ExecProcessRequest request{{"id", "-G"}, {"ROLE=job", "EXTRA=1"}, "/tmp", true, std::nullopt};
  json p = json::parse(exec_process_json(kContainerProcess, request));
  EXPECT_EQ(p["args"], json({"id", "-G"}));
  EXPECT_EQ(p["env"], json({"PATH=/bin", "ROLE=job", "EXTRA=1"}));  // overridden, not doubled
  EXPECT_EQ(p["cwd"], "/tmp");
  EXPECT_EQ(p["terminal"], true);
  EXPECT_EQ(p["capabilities"]["bounding"], json({"CAP_CHOWN"}));
  EXPECT_EQ(p["noNewPrivileges"], true);
  EXPECT_FALSE(p.contains("consoleSize"));
  // No user asked for: the container's, with its groups.
  EXPECT_EQ(p["user"]["additionalGids"], json({1}));
}

TEST(ExecProcess, AUserGetsItsOwnGroupsNotTheContainers) {
  ExecProcessRequest request{{"id"}, {}, "", false, ResolvedUser{1000, 1000, {100, 1}, "/home/app"}};
  json p = json::parse(exec_process_json(kContainerProcess, request));
  EXPECT_EQ(p["user"]["uid"], 1000);
  EXPECT_EQ(p["user"]["gid"], 1000);
  EXPECT_EQ(p["user"]["additionalGids"], json({100, 1}));
  EXPECT_EQ(p["cwd"], "/srv");  // kept

  request.user = ResolvedUser{1000, 1000, {}, "/"};
  p = json::parse(exec_process_json(kContainerProcess, request));
  EXPECT_FALSE(p["user"].contains("additionalGids"));  // none: root's group 1 must not leak
}

TEST(ExecProcess, ExecUsersResolveGroupsAndGroupAdd) {
  // What ExecProcessFile resolves for `exec -u app` on a service with group_add: [daemon].
  ResolvedUser u = resolve_user_from("app:x:1000:1000::/home/app:/bin/sh\n",
                                     "daemon:x:1:\nusers:x:100:app\napp:x:1000:\n", "app", {"daemon"});
  EXPECT_EQ(u.additional_gids, (std::vector<uint32_t>{100, 1}));
}

TEST(ExecProcess, DamagedSettingsAreAnError) {
  ExecProcessRequest request{{"true"}, {}, "", false, std::nullopt};
  EXPECT_THROW(exec_process_json("{nope", request), berth::Error);
  EXPECT_THROW(exec_process_json("[]", request), berth::Error);
}
