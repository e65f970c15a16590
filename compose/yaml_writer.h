// Prints a tree as YAML (block style, as `docker compose config` does) or as JSON.
//
// A quoted scalar is a string and is printed so that it reads back as one; an unquoted scalar is
// printed as is (numbers, booleans).
#pragma once

#include <string>

#include "compose/node.h"

namespace berth::compose {

std::string to_yaml(const Node& root);
std::string to_json(const Node& root, int indent = 2);

}  // namespace berth::compose
