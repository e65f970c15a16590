#include "cli/run_flags.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/error.h"

using berth::cli::parse_publish;
using berth::cli::parse_volume;

TEST(ParsePublish, TheThreeForms) {
  auto p = parse_publish("80");
  EXPECT_EQ(p.target, 80);
  EXPECT_EQ(p.published, "");
  EXPECT_EQ(p.host_ip, "");
  EXPECT_EQ(p.protocol, "");
  p = parse_publish("8080:80/udp");
  EXPECT_EQ(p.target, 80);
  EXPECT_EQ(p.published, "8080");
  EXPECT_EQ(p.protocol, "udp");
  p = parse_publish("127.0.0.1::80");
  EXPECT_EQ(p.host_ip, "127.0.0.1");
  EXPECT_EQ(p.published, "");
  p = parse_publish("0.0.0.0:9000-9001:80");
  EXPECT_EQ(p.published, "9000-9001");
}

TEST(ParsePublish, BadInputSaysWhatIsWrong) {
  auto message = [](const std::string& text) {
    try {
      parse_publish(text);
    } catch (const berth::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("80/sctp").find("unknown protocol 'sctp'"), std::string::npos);
  EXPECT_NE(message("a:b:c:80").find("too many ':'"), std::string::npos);
  EXPECT_NE(message("http").find("'http' is not a container port"), std::string::npos);
  EXPECT_NE(message("70000").find("is not a container port"), std::string::npos);
  EXPECT_NE(message("8080:").find("is not a container port"), std::string::npos);
}

TEST(ParseVolume, BindsVolumesAndAnonymous) {
  auto v = parse_volume("/srv/data:/data:ro");
  EXPECT_EQ(v.type, "bind");
  EXPECT_EQ(v.source, "/srv/data");
  EXPECT_EQ(v.target, "/data");
  EXPECT_TRUE(v.read_only);
  v = parse_volume("./here:/here");
  EXPECT_EQ(v.type, "bind");
  EXPECT_EQ(v.source, (std::filesystem::current_path() / "here").string());
  EXPECT_FALSE(v.read_only);
  v = parse_volume("cache:/cache:rw");
  EXPECT_EQ(v.type, "volume");
  EXPECT_EQ(v.source, "cache");
  v = parse_volume("/scratch");
  EXPECT_EQ(v.type, "volume");
  EXPECT_EQ(v.source, "");
  EXPECT_EQ(v.target, "/scratch");
}

TEST(ParseVolume, BadInputIsRefused) {
  EXPECT_THROW(parse_volume("a:b"), berth::Error);          // relative target
  EXPECT_THROW(parse_volume("/a:/b:rx"), berth::Error);     // unknown mode
  EXPECT_THROW(parse_volume("/a:/b:ro:x"), berth::Error);   // too many parts
  EXPECT_THROW(parse_volume("relative"), berth::Error);     // an anonymous volume needs a path
}
