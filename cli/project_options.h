// From the global flags to the loader's options, and the project they load.
#pragma once

#include "cli/global_options.h"
#include "compose/loader.h"

namespace berth::cli {

compose::LoadOptions load_options(const GlobalOptions& global);
// Loads the project and prints the loader's warnings on stderr.
compose::LoadResult load(const compose::LoadOptions& options);

}  // namespace berth::cli
