// libFuzzer: bytes as a compose file through the whole loader. A berth::Error is the expected
// answer to bad input; any other exception, a crash, a leak or a hang is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "compose/loader.h"
#include "compose/yaml_writer.h"
#include "util/error.h"

namespace {

// An empty directory for the project: relative paths in the input resolve here. Removed when
// the fuzzer exits.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace berth::compose;
  LoadOptions o;
  o.files = {"-"};
  o.stdin_content.assign(reinterpret_cast<const char*>(data), size);
  o.working_dir = scratch_dir();
  o.use_process_environment = false;
  o.environment = {{"HOME", scratch_dir()}, {"TAG", "1.0"}};
  o.project_name = "fuzz";
  try {
    LoadResult r = load_project(o);
    // What loads must also print.
    Node tree = encode_project(r.project);
    (void)to_yaml(tree);
    (void)to_json(tree);
  } catch (const berth::Error&) {
  }
  return 0;
}
