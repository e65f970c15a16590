// The `berth` command line: parses argv, runs one verb, returns the exit code.
#pragma once

namespace berth::cli {

int run(int argc, char** argv);

}  // namespace berth::cli
