#include "compose/short_syntax.h"

#include <gtest/gtest.h>

#include "compose/yaml_writer.h"
#include "tests/compose/loader_test_support.h"

namespace berth::compose {
namespace {

using testing::contains;
using testing::error_of;

Node text(const std::string& s) { return Node::scalar(s, Mark{intern_file_name("t.yaml"), 3, 7}); }

std::string field(const Node& n, const char* key) {
  const Node* v = n.find(key);
  return v ? v->text() : "<unset>";
}

// "ip|published|target|protocol" of each port the short form stands for.
std::vector<std::string> ports(const std::string& spec) {
  std::vector<std::string> out;
  for (const Node& p : parse_port_short(text(spec), "services.web.ports[0]"))
    out.push_back(field(p, "host_ip") + "|" + field(p, "published") + "|" + field(p, "target") +
                  "|" + field(p, "protocol"));
  return out;
}

using Strings = std::vector<std::string>;

TEST(ShortSyntaxPorts, EveryForm) {
  EXPECT_EQ(ports("80"), Strings{"<unset>|<unset>|80|tcp"});
  EXPECT_EQ(ports("8080:80"), Strings{"<unset>|8080|80|tcp"});
  EXPECT_EQ(ports("53:53/udp"), Strings{"<unset>|53|53|udp"});
  EXPECT_EQ(ports("127.0.0.1:8080:80"), Strings{"127.0.0.1|8080|80|tcp"});
  EXPECT_EQ(ports("127.0.0.1::80"), Strings{"127.0.0.1|<unset>|80|tcp"});
  EXPECT_EQ(ports("[::1]:8080:80"), Strings{"::1|8080|80|tcp"});
  EXPECT_EQ(ports("::1:8080:80"), Strings{"::1|8080|80|tcp"});
  EXPECT_EQ(ports("9000-9001:80-81/udp"),
            (Strings{"<unset>|9000|80|udp", "<unset>|9001|81|udp"}));
  EXPECT_EQ(ports("3000-3002"),
            (Strings{"<unset>|<unset>|3000|tcp", "<unset>|<unset>|3001|tcp", "<unset>|<unset>|3002|tcp"}));
  EXPECT_EQ(ports("8000-8010:80"), Strings{"<unset>|8000-8010|80|tcp"});
  EXPECT_EQ(ports("0.0.0.0:5000-5001:5000-5001/sctp"),
            (Strings{"0.0.0.0|5000|5000|sctp", "0.0.0.0|5001|5001|sctp"}));
}

TEST(ShortSyntaxPorts, TheLongFormIsTyped) {
  std::vector<Node> p = parse_port_short(text("8080:80"), "p");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(field(p[0], "mode"), "ingress");
  EXPECT_FALSE(p[0].find("target")->quoted());   // a number
  EXPECT_TRUE(p[0].find("published")->quoted());  // a string (it may be a range)
  EXPECT_EQ(p[0].mark().line, 3);
}

TEST(ShortSyntaxPorts, BadPortsSayWhatIsWrong) {
  struct Case {
    const char* spec;
    const char* why;
  };
  for (const Case& c : {Case{"80/icmp", "protocol"}, Case{"abc", "'abc' is not a port"},
                        Case{"70000", "'70000' is not a port"}, Case{"8080:", "'' is not a port"},
                        Case{"x:80", "'x' is not a port"}, Case{"80-70", "'80-70'"},
                        Case{"1000-1002:80-81", "differ in size"},
                        Case{"host.name:80:80", "not an IP address"}, Case{"-1", "is not a port"}}) {
    Error e = error_of([&] { parse_port_short(text(c.spec), "services.web.ports[0]"); });
    EXPECT_TRUE(contains(e.message(), "invalid port '" + std::string(c.spec) + "'")) << e.message();
    EXPECT_TRUE(contains(e.message(), c.why)) << c.spec << ": " << e.message();
    EXPECT_TRUE(contains(e.hint(), "HOST_PORT")) << e.hint();
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.path(), "services.web.ports[0]");
  }
}

std::string volume(const std::string& spec) {
  return to_json(parse_volume_short(text(spec), "v"), -1);
}

TEST(ShortSyntaxVolumes, NamedBindAnonymous) {
  EXPECT_EQ(volume("data:/var/lib/data"),
            R"({"type":"volume","source":"data","target":"/var/lib/data","volume":{}})" "\n");
  EXPECT_EQ(volume("./src:/app"),
            R"({"type":"bind","source":"./src","target":"/app","bind":{"create_host_path":true}})" "\n");
  EXPECT_EQ(volume("/var/run/docker.sock:/var/run/docker.sock"),
            R"({"type":"bind","source":"/var/run/docker.sock","target":"/var/run/docker.sock","bind":{"create_host_path":true}})" "\n");
  EXPECT_EQ(volume("~/cache:/cache"),
            R"({"type":"bind","source":"~/cache","target":"/cache","bind":{"create_host_path":true}})" "\n");
  EXPECT_EQ(volume("/scratch"), R"({"type":"volume","target":"/scratch","volume":{}})" "\n");
}

TEST(ShortSyntaxVolumes, Options) {
  EXPECT_EQ(volume("data:/d:ro"),
            R"({"type":"volume","source":"data","target":"/d","read_only":true,"volume":{}})" "\n");
  EXPECT_EQ(volume("data:/d:rw,nocopy"),
            R"({"type":"volume","source":"data","target":"/d","volume":{"nocopy":true}})" "\n");
  EXPECT_EQ(volume("./x:/d:ro,z,rshared"),
            R"({"type":"bind","source":"./x","target":"/d","read_only":true,"bind":{"selinux":"z","propagation":"rshared","create_host_path":true}})" "\n");
  EXPECT_EQ(volume("./x:/d:cached"),
            R"({"type":"bind","source":"./x","target":"/d","consistency":"cached","bind":{"create_host_path":true}})" "\n");
}

TEST(ShortSyntaxVolumes, TargetIsCleaned) {
  EXPECT_EQ(field(parse_volume_short(text("data:/a//b/./c/"), "v"), "target"), "/a/b/c");
  EXPECT_EQ(field(parse_volume_short(text("data:/a/../b"), "v"), "target"), "/b");
}

TEST(ShortSyntaxVolumes, WindowsPaths) {
  EXPECT_TRUE(is_windows_path("C:\\data"));
  EXPECT_TRUE(is_windows_path("d:/data"));
  EXPECT_FALSE(is_windows_path("data:/x"));
  EXPECT_FALSE(is_windows_path("/c:/x"));
  Node v = parse_volume_short(text("C:\\Users\\me:/data:ro"), "v");
  EXPECT_EQ(field(v, "type"), "bind");
  EXPECT_EQ(field(v, "source"), "C:\\Users\\me");
  EXPECT_EQ(field(v, "target"), "/data");
  EXPECT_EQ(field(v, "read_only"), "true");
}

TEST(ShortSyntaxVolumes, BadVolumes) {
  struct Case {
    const char* spec;
    const char* why;
  };
  for (const Case& c : {Case{"", "empty"}, Case{"a::/b", "empty"}, Case{"data:/b:ro:x", "too many"},
                        Case{"data:/b:rx", "unknown option 'rx'"},
                        Case{"data:/b:z", "bind options apply to host paths"}}) {
    Error e = error_of([&] { parse_volume_short(text(c.spec), "services.web.volumes[1]"); });
    EXPECT_TRUE(contains(e.message(), c.why)) << c.spec << ": " << e.message();
    EXPECT_TRUE(contains(e.hint(), "SOURCE:]TARGET")) << e.hint();
    EXPECT_EQ(e.path(), "services.web.volumes[1]");
  }
}

std::string device(const std::string& spec) {
  Node d = parse_device_short(text(spec), "d");
  return field(d, "source") + "|" + field(d, "target") + "|" + field(d, "permissions");
}

TEST(ShortSyntaxDevices, Forms) {
  EXPECT_EQ(device("/dev/ttyUSB0"), "/dev/ttyUSB0|/dev/ttyUSB0|rwm");
  EXPECT_EQ(device("/dev/ttyUSB0:/dev/ttyS0"), "/dev/ttyUSB0|/dev/ttyS0|rwm");
  EXPECT_EQ(device("/dev/sda:/dev/xvda:r"), "/dev/sda|/dev/xvda|r");
  EXPECT_EQ(device("/dev/fuse:rw"), "/dev/fuse|/dev/fuse|rw");
}

TEST(ShortSyntaxDevices, BadDevices) {
  for (const char* bad : {"", ":/dev/x", "/a:/b:rw:x"}) {
    Error e = error_of([&] { parse_device_short(text(bad), "services.web.devices[0]"); });
    EXPECT_TRUE(contains(e.message(), "invalid device")) << e.message();
    EXPECT_TRUE(contains(e.hint(), "HOST_PATH")) << e.hint();
  }
}

}  // namespace
}  // namespace berth::compose
