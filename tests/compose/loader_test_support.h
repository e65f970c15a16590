// Helpers shared by the compose unit tests: YAML text to trees, hermetic project loads, and
// catching the berth::Error a bad input must give.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>

#include "compose/loader.h"
#include "compose/yaml_reader.h"
#include "tests/support/temp_dir.h"
#include "util/error.h"

namespace berth::compose::testing {

inline Node yaml(const std::string& text) { return read_yaml(text, "test.yaml"); }

// LoadOptions that see only `env`, run in `dir`.
inline LoadOptions hermetic(const test::TempDir& dir, std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.working_dir = dir.path().string();
  o.use_process_environment = false;
  env.try_emplace("HOME", "/home/tester");
  o.environment = std::move(env);
  return o;
}

// `text` as compose.yaml of a fresh directory, loaded with project name "test".
inline LoadResult load_text(const std::string& text, std::map<std::string, std::string> env = {}) {
  test::TempDir dir;
  dir.write("compose.yaml", text);
  LoadOptions o = hermetic(dir, std::move(env));
  o.project_name = "test";
  return load_project(o);
}

// The berth::Error that `f` throws; a test failure when it throws none.
inline Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a berth::Error";
  return Error("<no error>");
}

inline Error load_error(const std::string& text, std::map<std::string, std::string> env = {}) {
  return error_of([&] { load_text(text, std::move(env)); });
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace berth::compose::testing
