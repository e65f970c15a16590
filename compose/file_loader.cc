#include "compose/file_loader.h"

#include <filesystem>

#include "compose/canonical.h"
#include "compose/extends.h"
#include "compose/include.h"
#include "compose/interpolate.h"
#include "compose/merge.h"
#include "compose/resolve_paths.h"
#include "compose/yaml_reader.h"
#include "util/fs.h"

namespace berth::compose {

Node read_compose_file(const std::string& path, const FileLoadContext& ctx,
                       const std::string& stdin_content) {
  std::string text;
  if (path == "-") {
    text = stdin_content;
  } else {
    auto content = fs::read_file_if_exists(path);
    if (!content)
      throw Error("compose file " + path + " does not exist",
                  "check the -f argument, COMPOSE_FILE, or the working directory");
    text = std::move(*content);
  }
  Node doc = read_yaml(text, path);
  if (ctx.interpolate) {
    InterpolationWarnings unset;
    interpolate_tree(doc, ctx.environment->lookup(), &unset);
    if (ctx.warnings)
      for (const auto& name : unset.unset)
        ctx.warnings->push_back("the \"" + name + "\" variable is not set. Defaulting to a blank string.");
  }
  return doc;
}

Node load_compose_file(const std::string& path, const std::string& base_dir, FileLoadContext& ctx,
                       const std::string& stdin_content) {
  Node doc = read_compose_file(path, ctx, stdin_content);
  std::string file_dir = path == "-" ? base_dir
                                     : std::filesystem::path(path).parent_path().string();
  canonicalise(doc);
  if (ctx.resolve_paths) resolve_paths(doc, base_dir, ctx.home);
  resolve_extends(doc, path, ctx);
  resolve_includes(doc, path, file_dir, ctx);
  return doc;
}

}  // namespace berth::compose
