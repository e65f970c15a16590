// `berth config` output is a fixed point: for every case of the conformance corpus that loads,
// the printed project (YAML and JSON), loaded again, is the same project.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "compose/dollar_escape.h"
#include "compose/loader.h"
#include "compose/yaml_reader.h"
#include "compose/yaml_writer.h"
#include "tests/support/temp_dir.h"
#include "util/fs.h"

namespace berth::compose {
namespace {

namespace stdfs = std::filesystem;

stdfs::path corpus_dir() { return stdfs::path(BERTH_SOURCE_DIR) / ".." / "shared" / "conformance"; }

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : stdfs::directory_iterator(corpus_dir(), ec))
    if (stdfs::exists(entry.path() / "case.yaml")) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  if (out.empty()) out.push_back("");  // one test that reports the corpus as absent
  return out;
}

// The options a case's manifest asks for, with the fixed environment the corpus' tool uses.
LoadOptions case_options(const stdfs::path& dir, const stdfs::path& home) {
  Node manifest = read_yaml(fs::read_file((dir / "case.yaml").string()), (dir / "case.yaml").string());
  LoadOptions o;
  std::string workdir = ".";
  if (const Node* w = manifest.find("workdir"); w && w->is_scalar()) workdir = w->text();
  o.working_dir = (dir / workdir).lexically_normal().string();
  if (const Node* files = manifest.find("files"); files && files->is_sequence())
    for (const Node& f : files->items()) o.files.push_back(f.text());
  if (const Node* name = manifest.find("project_name"); name && name->is_scalar()) o.project_name = name->text();
  o.use_process_environment = false;
  o.environment = {{"PATH", "/usr/bin:/bin:/usr/local/bin"}, {"LANG", "C.UTF-8"}, {"HOME", home.string()},
                   {"PWD", o.working_dir}};
  if (const Node* env = manifest.find("env"); env && env->is_mapping())
    for (const auto& e : env->entries()) o.environment[e.key] = e.value.is_scalar() ? e.value.text() : "";
  return o;
}

std::string printed(const Project& p) { return to_json(encode_project(p)); }

class FixedPoint : public ::testing::TestWithParam<std::string> {};

TEST_P(FixedPoint, ConfigOutputLoadsToTheSameProject) {
  if (GetParam().empty()) GTEST_SKIP() << "conformance corpus not found at " << corpus_dir();
  test::TempDir home;
  LoadOptions o = case_options(corpus_dir() / GetParam(), home.path());
  Project first;
  try {
    first = load_project(o).project;
  } catch (const Error& e) {
    GTEST_SKIP() << "the case does not load: " << e.render();
  }
  std::string expected = printed(first);

  for (bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "yaml");
    test::TempDir out;
    Node tree = encode_project(first);
    escape_dollars(tree);  // as berth config prints it
    out.write("compose.yaml", json ? to_json(tree) : to_yaml(tree));
    LoadOptions again = o;
    again.files = {(out.path() / "compose.yaml").string()};
    again.working_dir = out.path().string();
    again.project_directory = first.working_dir;
    Project second;
    try {
      second = load_project(again).project;
    } catch (const Error& e) {
      ADD_FAILURE() << "the printed project does not load: " << e.render() << "\n" << to_yaml(tree);
      continue;
    }
    EXPECT_EQ(printed(second), expected);
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  if (info.param.empty()) return "corpus_absent";
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, FixedPoint, ::testing::ValuesIn(case_names()), test_name);

}  // namespace
}  // namespace berth::compose
