#include "network/record.h"

namespace berth::network {

const SubnetState* NetworkRecord::subnet_v4() const {
  for (const auto& s : subnets)
    if (s.subnet.is_v4()) return &s;
  return nullptr;
}
const SubnetState* NetworkRecord::subnet_v6() const {
  for (const auto& s : subnets)
    if (!s.subnet.is_v4()) return &s;
  return nullptr;
}
SubnetState* NetworkRecord::subnet_v4() {
  return const_cast<SubnetState*>(static_cast<const NetworkRecord*>(this)->subnet_v4());
}
SubnetState* NetworkRecord::subnet_v6() {
  return const_cast<SubnetState*>(static_cast<const NetworkRecord*>(this)->subnet_v6());
}

}  // namespace berth::network
