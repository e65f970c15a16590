#include <iostream>

#include "cli/verbs.h"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0"
#endif

namespace berth::cli {

void add_version_verb(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("version", "Show the berth version");
  auto format = std::make_shared<std::string>("pretty");
  auto short_flag = std::make_shared<bool>(false);
  sub->add_option("-f,--format", *format, "pretty or json")->check(CLI::IsMember({"pretty", "json"}));
  sub->add_flag("--short", *short_flag, "Only the version number");
  set_action(sub, [format, short_flag] {
    if (*short_flag)
      std::cout << BERTH_VERSION << "\n";
    else if (*format == "json")
      std::cout << "{\"version\":\"" << BERTH_VERSION << "\"}\n";
    else
      std::cout << "berth version " << BERTH_VERSION << "\n";
    return 0;
  });
}

}  // namespace berth::cli
