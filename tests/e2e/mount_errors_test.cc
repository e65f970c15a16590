// Bad mounts and secrets through `berth up`: a non-zero exit, a message that says what is wrong,
// where and how to fix it, and nothing created: no container, no volume, no mount, no network
// namespace, nothing written outside the places named.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/compose_project.h"

namespace berth::test {
namespace {

namespace stdfs = std::filesystem;

// A service that is fine beside the bad one: it must not be created either.
const char* kGood = "  good:\n    image: busybox\n    command: [sleep, \"1000\"]\n    volumes: [\"data:/data\", /anon]\n";

void expect_nothing_created(const ComposeProject& p) {
  EXPECT_EQ(p({"ps", "-a", "-q"}).out, "");
  EXPECT_EQ(p.raw({"volume", "ls", "-q"}).out, "");
  std::error_code ec;
  for (const char* dir : {"state/containers", "state/stack", "state/stack/overlay", "run/netns"})
    for (const auto& e : stdfs::directory_iterator(p.dir() / dir, ec))
      if (e.path().filename() != "overlay") ADD_FAILURE() << "left: " << e.path();
  for (const auto& e : stdfs::directory_iterator(p.dir() / "state/volumes", ec))
    if (e.path().filename() != ".lock") ADD_FAILURE() << "volume left: " << e.path();
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) EXPECT_EQ(line.find(p.dir().string()), std::string::npos) << line;
}

struct BadCase {
  const char* name;
  std::string service;        // the bad service's attributes
  std::string top_level;      // more top-level elements
  std::vector<std::string> expected;  // in stderr
};

void expect_refused(const BadCase& c, const std::function<void(const ComposeProject&)>& prepare = {}) {
  SCOPED_TRACE(c.name);
  ComposeProject p("services:\n" + std::string(kGood) + "  bad:\n    image: busybox\n" + c.service +
                   "volumes:\n  data: {}\n" + c.top_level);
  if (prepare) prepare(p);
  auto before = stdfs::exists(p.dir() / "state/volumes");
  for (const auto& verb : std::vector<std::vector<std::string>>{{"up", "-d"}, {"create"}, {"run", "--rm", "bad", "true"}}) {
    Result r = p(verb);
    EXPECT_NE(r.exit_code, 0) << verb[0];
    for (const auto& text : c.expected) EXPECT_NE(r.err.find(text), std::string::npos) << verb[0] << ": " << r.err;
    expect_nothing_created(p);
  }
  EXPECT_EQ(stdfs::exists(p.dir() / "state/volumes"), before);
  p.rewrite("services: {}\n");  // so that the fixture's `down` can load the project
}

TEST(MountErrorsE2E, BindSourceThatIsABrokenSymlink) {
  expect_refused({"broken symlink",
                  "    volumes: [\"./dangling:/x\"]\n",
                  "",
                  {"compose.yaml:", "services.bad.volumes[0]", "dangling is a symlink to", "which does not exist",
                   "hint: point the symlink"}},
                 [](const ComposeProject& p) { stdfs::create_symlink(p.dir() / "nowhere", p.dir() / "dangling"); });
}

TEST(MountErrorsE2E, TargetThatIsNotAbsolute) {
  expect_refused({"relative target",
                  "    volumes: [{type: volume, source: data, target: relative/path}]\n",
                  "",
                  {"compose.yaml:", "services.bad.volumes[0]", "'relative/path'", "absolute", "hint:"}});
}

TEST(MountErrorsE2E, VolumeNotDefinedAtTopLevel) {
  expect_refused({"undefined volume",
                  "    volumes: [\"undeclared:/x\"]\n",
                  "",
                  {"compose.yaml:", "services.bad.volumes[0]", "undefined volume 'undeclared'", "hint:"}});
}

TEST(MountErrorsE2E, SecretFileThatDoesNotExist) {
  expect_refused({"missing secret file",
                  "    secrets: [token]\n",
                  "secrets:\n  token: {file: ./missing-token.txt}\n",
                  {"compose.yaml:", "services.bad.secrets[0]", "missing-token.txt does not exist", "hint:"}});
}

TEST(MountErrorsE2E, SubpathThatEscapesItsVolume) {
  expect_refused({"escaping subpath",
                  "    volumes: [{type: volume, source: data, target: /x, volume: {subpath: ../x}}]\n",
                  "",
                  {"compose.yaml:", "services.bad.volumes[0]", "subpath '../x' leads out of the volume", "hint:"}});
}

}  // namespace
}  // namespace berth::test
