#include "runtime/container/command.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace berth::runtime {
namespace {

using Args = std::vector<std::string>;

ImageProcessConfig image(Args entrypoint, Args cmd) {
  ImageProcessConfig config;
  config.entrypoint = std::move(entrypoint);
  config.cmd = std::move(cmd);
  return config;
}

TEST(MergeCommand, ImageEntrypointAndCmd) {
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), std::nullopt, std::nullopt),
            (Args{"/entry", "serve"}));
}

TEST(MergeCommand, ServiceCommandReplacesImageCmd) {
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), std::nullopt, Args{"migrate"}),
            (Args{"/entry", "migrate"}));
}

TEST(MergeCommand, ServiceEntrypointDropsImageCmd) {
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), Args{"/other"}, std::nullopt),
            (Args{"/other"}));
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), Args{"/other"}, Args{"x"}),
            (Args{"/other", "x"}));
}

TEST(MergeCommand, EmptyEntrypointClearsTheImages) {
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), Args{""}, Args{"sh"}), (Args{"sh"}));
  EXPECT_EQ(merge_command(image({"/entry"}, {"serve"}), Args{}, Args{"sh"}), (Args{"sh"}));
}

TEST(MergeCommand, NothingToRunIsAnError) {
  try {
    merge_command(image({}, {}), std::nullopt, std::nullopt);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("no command"), std::string::npos);
    EXPECT_FALSE(e.hint().empty());
  }
  EXPECT_THROW(merge_command(image({"/entry"}, {"serve"}), Args{""}, std::nullopt), Error);
}

TEST(ContainerEnv, DefaultsAndOverrides) {
  auto env = container_env({"PATH=/image/bin", "A=image"}, {"A=service", "B=2"}, "web", true);
  EXPECT_EQ(env, (Args{"HOSTNAME=web", "TERM=xterm", "PATH=/image/bin", "A=service", "B=2"}));
  auto plain = container_env({}, {}, "db", false);
  EXPECT_EQ(plain, (Args{std::string("PATH=") + kDefaultPath, "HOSTNAME=db"}));
  // The service may set HOSTNAME or TERM itself.
  auto own = container_env({}, {"TERM=dumb", "HOSTNAME=mine"}, "x", true);
  EXPECT_EQ(own, (Args{std::string("PATH=") + kDefaultPath, "HOSTNAME=mine", "TERM=dumb"}));
}

}  // namespace
}  // namespace berth::runtime
