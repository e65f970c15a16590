#include "runtime/image/config.h"

#include <gtest/gtest.h>

#include "util/error.h"

using namespace berth::image;

TEST(ImageConfig, ParsesTheProcessFields) {
  std::string doc = R"({"architecture":"amd64","os":"linux","config":{
    "Entrypoint":["/entry"],"Cmd":["run","--fast"],"Env":["PATH=/bin","A=1"],"WorkingDir":"/srv",
    "User":"1000:1000","ExposedPorts":{"80/tcp":{},"53/udp":{}},"Labels":{"a":"b"},
    "Volumes":{"/data":{}},"StopSignal":"SIGQUIT",
    "Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":1000000000,"Retries":3}},
    "rootfs":{"type":"layers","diff_ids":["sha256:)" + std::string(64, 'c') + R"("]}})";
  auto c = parse_image_config(doc);
  EXPECT_EQ(c.entrypoint, std::vector<std::string>{"/entry"});
  ASSERT_TRUE(c.cmd);
  EXPECT_EQ((*c.cmd)[1], "--fast");
  EXPECT_EQ(c.env.size(), 2u);
  EXPECT_EQ(c.working_dir, "/srv");
  EXPECT_EQ(c.user, "1000:1000");
  EXPECT_TRUE(c.exposed_ports.count("53/udp"));
  EXPECT_EQ(c.labels.at("a"), "b");
  EXPECT_TRUE(c.volumes.count("/data"));
  EXPECT_EQ(c.stop_signal, "SIGQUIT");
  ASSERT_TRUE(c.healthcheck);
  EXPECT_EQ(c.healthcheck->interval_ns, 1000000000);
  EXPECT_EQ(c.healthcheck->retries, 3);
  EXPECT_EQ(c.diff_ids.size(), 1u);

  auto again = parse_image_config(image_config_json(c));
  EXPECT_EQ(again.entrypoint, c.entrypoint);
  EXPECT_EQ(again.cmd, c.cmd);
  EXPECT_EQ(again.exposed_ports, c.exposed_ports);
  EXPECT_EQ(again.healthcheck->test, c.healthcheck->test);
  EXPECT_EQ(again.diff_ids, c.diff_ids);
}

TEST(ImageConfig, NullCmdDiffersFromEmpty) {
  auto c = parse_image_config(R"({"config":{"Cmd":null},"rootfs":{"diff_ids":[]}})");
  EXPECT_FALSE(c.cmd);
  auto e = parse_image_config(R"({"config":{"Cmd":[]},"rootfs":{"diff_ids":[]}})");
  ASSERT_TRUE(e.cmd);
  EXPECT_TRUE(e.cmd->empty());
}

TEST(ImageConfig, BadConfigsAreErrors) {
  EXPECT_THROW(parse_image_config("{"), berth::Error);
  EXPECT_THROW(parse_image_config(R"({"config":{}})"), berth::Error);  // no rootfs
  EXPECT_THROW(parse_image_config(R"({"rootfs":{"diff_ids":["md5:x"]}})"), berth::Error);
  EXPECT_THROW(parse_image_config(R"({"rootfs":{"diff_ids":[]},"config":{"Env":[1]}})"), berth::Error);
}
