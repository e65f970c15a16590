// Figures for bench/network.sh: network setup per container, DNS query latency, and TCP
// throughput over a berth network beside two namespaces on a bridge made by hand (no berth, no
// nftables: the kernel's ceiling). Needs root; uses its own BERTH_ROOT/BERTH_RUN_ROOT.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "network/attach.h"
#include "network/dns/responder.h"
#include "network/dns/wire.h"
#include "network/netlink/link.h"
#include "network/netlink/netns.h"
#include "network/network.h"
#include "runtime/container/record.h"
#include "util/error.h"

using namespace berth::network;
using Clock = std::chrono::steady_clock;

namespace {
NetworkSpec named(const std::string& name) {
  NetworkSpec s;
  s.name = name;
  return s;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

void print_stats(const char* what, std::vector<double> v, const char* unit) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  std::printf("%-44s n=%-5zu mean %8.3f %s  p50 %8.3f  p99 %8.3f  max %8.3f\n", what, v.size(),
              sum / static_cast<double>(v.size()), unit, v[v.size() / 2], v[v.size() * 99 / 100], v.back());
}

sockaddr_in addr(const std::string& ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &sa.sin_addr);
  return sa;
}

int socket_in(const std::filesystem::path& ns, int type) {
  return netlink::run_in_netns(ns, [type] { return ::socket(AF_INET, type | SOCK_CLOEXEC, 0); });
}

// Sends for `seconds` from namespace `from` to ip:port in namespace `to`; returns Gbit/s.
double tcp_throughput(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& ip,
                      double seconds) {
  int listener = socket_in(to, SOCK_STREAM);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto any = addr("0.0.0.0", 5201);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 || ::listen(listener, 1) != 0)
    throw berth::Error("bench: cannot listen");
  uint64_t received = 0;
  std::thread receiver([&] {
    int c = ::accept(listener, nullptr, nullptr);
    std::vector<char> buf(1 << 18);
    ssize_t n;
    while ((n = ::read(c, buf.data(), buf.size())) > 0) received += static_cast<uint64_t>(n);
    ::close(c);
  });
  int s = socket_in(from, SOCK_STREAM);
  auto dst = addr(ip, 5201);
  if (::connect(s, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) throw berth::Error("bench: cannot connect");
  std::vector<char> buf(1 << 18, 'x');
  auto start = Clock::now();
  while (ms_since(start) < seconds * 1000)
    if (::write(s, buf.data(), buf.size()) <= 0) break;
  ::close(s);
  receiver.join();
  double elapsed = ms_since(start) / 1000;
  ::close(listener);
  return static_cast<double>(received) * 8 / elapsed / 1e9;
}

void bench_setup(int count) {
  auto net = create_network(named("bench-setup"));
  std::vector<double> attach_ms, detach_ms;
  for (int i = 0; i < count; ++i) {
    auto t0 = Clock::now();
    auto ns = netlink::Netns::create("bench" + std::to_string(i));
    AttachSpec a;
    a.container = "c" + std::to_string(i);
    a.netns = ns.path();
    a.network = net.spec.name;
    a.names = {"svc"};
    attach(a);
    attach_ms.push_back(ms_since(t0));
    auto t1 = Clock::now();
    detach(a.container, net.spec.name);
    netlink::Netns::remove(ns.release());
    detach_ms.push_back(ms_since(t1));
  }
  remove_network(net.spec.name);
  print_stats("setup: netns + veth + address + rules + DNS", attach_ms, "ms");
  print_stats("teardown: detach + remove netns", detach_ms, "ms");
}

void bench_dns(int queries) {
  auto net = create_network(named("bench-dns"));
  std::vector<netlink::Netns> nss;
  for (int i = 0; i < 3; ++i) {
    nss.push_back(netlink::Netns::create("bdns" + std::to_string(i)));
    AttachSpec a;
    a.container = "d" + std::to_string(i);
    a.netns = nss.back().path();
    a.network = net.spec.name;
    a.names = {"web"};
    attach(a);
    // The responder answers only for running containers: say so, as a supervisor would.
    berth::runtime::ContainerRecord record;
    record.id = a.container;
    record.status = "running";
    berth::runtime::write_record(record, false);
  }
  int stop = ::eventfd(0, EFD_CLOEXEC);
  dns::ResponderOptions o;
  o.stop_fd = stop;
  o.exit_when_empty = false;
  o.upstream = {*IpAddress::parse("127.0.0.1")};  // nothing is forwarded in this bench
  std::thread responder([o] { dns::serve(o); });
  std::string gw = net.subnet_v4()->gateway.str();
  int fd = socket_in(nss[0].path(), SOCK_DGRAM);
  auto to = addr(gw, 53);
  ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  auto run = [&](const std::string& name, const char* label) {
    std::vector<double> us;
    auto q = dns::build_query(1, name, dns::kTypeA);
    uint8_t buf[512];
    for (int i = 0; i < queries + 50; ++i) {
      auto t = Clock::now();
      ::send(fd, q.data(), q.size(), 0);
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 1000) != 1) continue;  // the first queries may beat the responder's bind
      ::recv(fd, buf, sizeof buf, 0);
      if (i >= 50) us.push_back(ms_since(t) * 1000);
    }
    print_stats(label, us, "us");
  };
  // The number of addresses in the answer to one question for `name` (-1: no answer).
  auto answers = [&](const std::string& name) {
    auto q = dns::build_query(2, name, dns::kTypeA);
    ::send(fd, q.data(), q.size(), 0);
    pollfd p{fd, POLLIN, 0};
    uint8_t buf[512];
    if (::poll(&p, 1, 1000) != 1) return -1;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    auto r = n > 0 ? dns::parse_response(buf, static_cast<size_t>(n)) : std::nullopt;
    return r ? static_cast<int>(r->addresses.size()) : -1;
  };
  run("web", "dns: A for a service of 3 replicas");
  if (answers("web") != 3) std::printf("  (the A answers did not hold the 3 replicas)\n");
  run("nothing", "dns: NXDOMAIN for an unknown name");
  // A replica stops or starts (its supervisor rewrites its record): until the answers follow.
  std::vector<double> follow_ms;
  for (int i = 0; i < 20; ++i) {
    for (const char* status : {"exited", "running"}) {
      berth::runtime::ContainerRecord record;
      record.id = "d2";
      record.status = status;
      auto t = Clock::now();
      berth::runtime::write_record(record, false);
      int want = std::string(status) == "running" ? 3 : 2;
      while (answers("web") != want && ms_since(t) < 2000) {
      }
      follow_ms.push_back(ms_since(t));
    }
  }
  print_stats("dns: record written -> answers follow", follow_ms, "ms");
  ::close(fd);
  uint64_t one = 1;
  (void)!::write(stop, &one, sizeof one);
  responder.join();
  ::close(stop);
  for (int i = 0; i < 3; ++i) detach("d" + std::to_string(i), net.spec.name);
  remove_network(net.spec.name);
}

void bench_throughput(double seconds) {
  // Over a berth network.
  auto net = create_network(named("bench-tcp"));
  auto a = netlink::Netns::create("btcpa");
  auto b = netlink::Netns::create("btcpb");
  AttachSpec sa;
  sa.container = "a";
  sa.netns = a.path();
  sa.network = net.spec.name;
  attach(sa);
  AttachSpec sb = sa;
  sb.container = "b";
  sb.netns = b.path();
  auto rb = attach(sb);
  double berth_gbps = tcp_throughput(a.path(), b.path(), rb.ipv4->str(), seconds);
  detach("a", net.spec.name);
  detach("b", net.spec.name, true);

  // By hand: a bridge and two veths, nothing else.
  netlink::Socket host;
  netlink::create_bridge(host, "bt-benchhand", 0, "02:00:00:be:7e:01");
  netlink::LinkGuard bridge(host, "bt-benchhand");
  netlink::set_link_up(host, "bt-benchhand");
  auto c = netlink::Netns::create("bhanda");
  auto d = netlink::Netns::create("bhandb");
  std::vector<std::unique_ptr<netlink::LinkGuard>> veths;
  int index = netlink::link_index(host, "bt-benchhand");
  int i = 0;
  for (auto* ns : {&c, &d}) {
    std::string veth = "vb-benchhand" + std::to_string(i);
    int fd = ::open(ns->path().c_str(), O_RDONLY | O_CLOEXEC);
    netlink::create_veth(host, {veth, "eth0", fd, index, 0, ""});
    ::close(fd);
    veths.push_back(std::make_unique<netlink::LinkGuard>(host, veth));
    auto inner = netlink::Socket::in_netns(ns->path());
    netlink::add_address(inner, "eth0", *IpAddress::parse("10.242.0." + std::to_string(2 + i)), 24);
    netlink::set_link_up(inner, "eth0");
    netlink::set_link_up(inner, "lo");
    ++i;
  }
  double hand_gbps = tcp_throughput(c.path(), d.path(), "10.242.0.3", seconds);
  std::printf("%-44s %8.2f Gbit/s\n", "tcp: two namespaces on a berth network", berth_gbps);
  std::printf("%-44s %8.2f Gbit/s\n", "tcp: two namespaces on a hand-made bridge", hand_gbps);
}
}  // namespace

int main(int argc, char** argv) {
  int setups = argc > 1 ? std::atoi(argv[1]) : 50;
  int queries = argc > 2 ? std::atoi(argv[2]) : 2000;
  double seconds = argc > 3 ? std::atof(argv[3]) : 3.0;
  try {
    bench_setup(setups);
    bench_dns(queries);
    bench_throughput(seconds);
  } catch (const berth::Error& e) {
    std::fprintf(stderr, "network_bench: %s\n", e.render().c_str());
    return 1;
  }
  return 0;
}
