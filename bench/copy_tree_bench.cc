// Copy-up speed: volumes::copy_tree over a generated tree, next to `cp -a` of the same tree.
// Usage: copy_tree_bench DIR [FILES] [KIB_PER_FILE]. Prints figures; asserts nothing.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "volumes/safe_path.h"
#include "volumes/tree_copy.h"

namespace fs = std::filesystem;

static double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [FILES] [KIB_PER_FILE]\n", argv[0]);
    return 2;
  }
  fs::path dir = argv[1];
  int files = argc > 2 ? std::atoi(argv[2]) : 10000;
  int kib = argc > 3 ? std::atoi(argv[3]) : 4;
  fs::path src = dir / "src", dst = dir / "dst", ref = dir / "ref";
  std::string block(static_cast<size_t>(kib) * 1024, 'x');
  for (int i = 0; i < files; ++i) {
    fs::path p = src / ("d" + std::to_string(i % 100)) / ("f" + std::to_string(i));
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << block;
  }
  ::sync();
  fs::create_directories(dst);
  auto start = std::chrono::steady_clock::now();
  {
    auto from = berth::volumes::open_root(src);
    auto to = berth::volumes::open_root(dst);
    berth::volumes::copy_tree(from.get(), to.get());
  }
  double ours = seconds_since(start);
  start = std::chrono::steady_clock::now();
  std::string cmd = "cp -a '" + src.string() + "' '" + ref.string() + "'";
  if (std::system(cmd.c_str()) != 0) return 1;
  double cp = seconds_since(start);
  double mib = static_cast<double>(files) * kib / 1024.0;
  std::printf("copy-up of %d files, %.0f MiB: copy_tree %.3f s (%.0f files/s, %.0f MiB/s); "
              "cp -a %.3f s\n",
              files, mib, ours, files / ours, mib / ours, cp);
  return 0;
}
