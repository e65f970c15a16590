// `$` in printed values, written `$$`: the printed project is already interpolated, and reading
// it again (which interpolates) must give the same values. `docker compose config` prints the
// same escaping.
#pragma once

#include "compose/node.h"

namespace berth::compose {

// Doubles every `$` of every scalar value in the tree (mapping keys are not interpolated, so
// they are left alone).
void escape_dollars(Node& tree);

}  // namespace berth::compose
