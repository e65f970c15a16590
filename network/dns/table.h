// The names berth answers: per network, who is on it under which names. berth writes it to a
// file under the run root whenever attachments change; the responder reads it on change.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "network/ip.h"
#include "network/record.h"

namespace berth::network::dns {

struct Entry {
  std::string container;
  std::vector<std::string> names;  // canonical (lower case)
  std::vector<IpAddress> addresses;
};

struct Network {
  std::string name;
  std::vector<IpAddress> listen;  // the bridge's gateway addresses
  std::vector<Cidr> subnets;      // who may ask
  std::vector<Entry> entries;
};

struct Lookup {
  bool in_scope = false;  // berth answers it (found, or a name berth owns): never forwarded
  std::vector<IpAddress> addresses;
};

struct Table {
  std::vector<Network> networks;

  // Answers `name` for a client at `asker` that asked on `local`: the names of every network
  // the asker is on (found by its address on any of them), else of the network listening on `local`. A name
  // with no dot is always in scope: unknown ones get NXDOMAIN rather than going to the host.
  Lookup lookup(const std::string& name, const IpAddress& asker, const IpAddress& local) const;
  std::vector<IpAddress> listen_addresses() const;
  // This table with only the entries of `containers` (the running ones): every network stays,
  // with its listening addresses and subnets, so that the others' names get NXDOMAIN.
  Table only_containers(const std::set<std::string>& containers) const;
  // Whether `asker` may use the responder at all: an address of a berth network (or the host's
  // loopback). Anyone else is refused, so that the forwarding is no open resolver.
  bool may_ask(const IpAddress& asker) const;
};

Table table_from_records(const std::vector<NetworkRecord>& records);
std::string to_json(const Table& table);
Table table_from_json(const std::string& text);

// paths::run_root()/dns/records.json
std::filesystem::path table_path();
// Writes the table of `records` atomically where the responder watches.
void publish_table(const std::vector<NetworkRecord>& records);

}  // namespace berth::network::dns
