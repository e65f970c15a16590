#include "network/dns/wire.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

using namespace berth::network;
using namespace berth::network::dns;

TEST(DnsWire, QueryRoundTrip) {
  Bytes q = build_query(0x1234, "Web.example", kTypeA);
  auto parsed = parse_query(q);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->id, 0x1234);
  EXPECT_EQ(parsed->name, "Web.example");
  EXPECT_EQ(parsed->type, kTypeA);
  EXPECT_EQ(parsed->klass, kClassIN);
}

TEST(DnsWire, QueryBytesAreRfc1035) {
  Bytes q = build_query(1, "ab.c", kTypeAAAA);
  Bytes expected = {0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 2, 'a', 'b', 1, 'c', 0, 0, 28, 0, 1};
  EXPECT_EQ(q, expected);
}

TEST(DnsWire, ResponseCarriesOnlyAddressesOfTheAskedType) {
  auto q = *parse_query(build_query(7, "web", kTypeA));
  std::vector<IpAddress> addrs = {*IpAddress::parse("10.0.0.2"), *IpAddress::parse("fd00::2"),
                                  *IpAddress::parse("10.0.0.3")};
  Bytes reply = build_response(q, addrs, kNoError);
  auto r = parse_response(reply);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->rcode, kNoError);
  ASSERT_EQ(r->addresses.size(), 2u);
  EXPECT_EQ(r->addresses[0].str(), "10.0.0.2");
  EXPECT_EQ(r->addresses[1].str(), "10.0.0.3");
  // Flags: QR, AA, RD copied, RA.
  EXPECT_EQ(reply[2], 0x85);
  EXPECT_EQ(reply[3], 0x80);

  auto q6 = *parse_query(build_query(8, "web", kTypeAAAA));
  auto r6 = parse_response(build_response(q6, addrs, kNoError));
  ASSERT_EQ(r6->addresses.size(), 1u);
  EXPECT_EQ(r6->addresses[0].str(), "fd00::2");
}

TEST(DnsWire, NxDomain) {
  auto q = *parse_query(build_query(9, "nothing", kTypeA));
  auto r = parse_response(build_response(q, {}, kNxDomain));
  EXPECT_EQ(r->rcode, kNxDomain);
  EXPECT_TRUE(r->addresses.empty());
}

TEST(DnsWire, MalformedInputIsRejectedNotRead) {
  Bytes q = build_query(1, "web", kTypeA);
  EXPECT_FALSE(parse_query(q.data(), 5));             // short header
  Bytes truncated(q.begin(), q.end() - 3);             // question cut
  EXPECT_FALSE(parse_query(truncated));
  Bytes loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};  // pointer to itself
  EXPECT_FALSE(parse_query(loop));
  Bytes response = build_response(*parse_query(q), {}, kNoError);
  EXPECT_FALSE(parse_query(response));                 // a response is not a query
  Bytes long_label = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x50};
  EXPECT_FALSE(parse_query(long_label));
}

TEST(DnsWire, CompressedNamesInResponsesAreFollowed) {
  // One answer whose name is a pointer to the question at offset 12.
  Bytes r = {0, 5, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
             0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7};
  auto parsed = parse_response(r);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->addresses.size(), 1u);
  EXPECT_EQ(parsed->addresses[0].str(), "192.0.2.7");
}

TEST(DnsWire, CanonicalName) {
  EXPECT_EQ(canonical_name("Web.Example."), "web.example");
}

TEST(DnsWire, ArbitraryBytesAreRejectedOrReadNeverOverrun) {
  // Random messages and random corruptions of real ones: the parsers must stay inside the
  // buffer (run under ASan to see an overrun as a failure) and never loop.
  std::mt19937 rng(20261128);
  Bytes valid = build_response(*parse_query(build_query(3, "web.example", kTypeA)),
                               {*IpAddress::parse("10.0.0.2"), *IpAddress::parse("10.0.0.3")}, kNoError);
  size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes msg;
    if (i % 2 == 0) {
      msg.resize(rng() % 300);
      for (auto& b : msg) b = static_cast<uint8_t>(rng());
    } else {
      msg = valid;
      for (int flips = 0; flips < 3; ++flips) msg[rng() % msg.size()] = static_cast<uint8_t>(rng());
      msg.resize(rng() % (msg.size() + 1));
    }
    // Exact-size copies, so that reading one byte too far is a heap overrun ASan sees.
    auto heap = std::make_unique<uint8_t[]>(msg.size() + 1);
    std::copy(msg.begin(), msg.end(), heap.get());
    if (parse_query(heap.get(), msg.size())) ++parsed;
    if (auto r = parse_response(heap.get(), msg.size())) {
      ++parsed;
      EXPECT_LE(r->addresses.size(), msg.size() / 4);
    }
  }
  EXPECT_GT(parsed, 0u);  // some corruptions stay readable: the parsers are not rejecting all
}
