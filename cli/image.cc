// berth image ls|rm|inspect|tag|prune|import|save|load|pull|push, and berth login|logout.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/layer_progress.h"
#include "cli/verbs.h"
#include "runtime/image/archive.h"
#include "runtime/image/import.h"
#include "runtime/image/registry_client.h"
#include "runtime/image/registry_credentials.h"
#include "runtime/image/pull.h"
#include "runtime/image/push.h"
#include "runtime/image/store.h"
#include "util/error.h"
#include "util/log.h"

namespace berth::cli {

namespace {

using nlohmann::json;

std::string human_size(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  std::ostringstream out;
  out << std::setprecision(v < 10 && u > 0 ? 2 : 3) << v << units[u];
  return out.str();
}

std::string short_id(const std::string& digest) { return digest.substr(7, 12); }

// "2 hours ago" from an RFC 3339 time, as docker prints it.
std::string since(const std::string& created) {
  std::tm tm{};
  if (created.empty() || !::strptime(created.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return "N/A";
  auto then = ::timegm(&tm);
  auto secs = static_cast<long>(std::difftime(std::time(nullptr), then));
  struct Unit {
    long size;
    const char* name;
  } units[] = {{365L * 86400, "year"}, {30L * 86400, "month"}, {7L * 86400, "week"},
               {86400, "day"},         {3600, "hour"},         {60, "minute"}};
  for (const auto& u : units)
    if (secs >= u.size) {
      long n = secs / u.size;
      return std::to_string(n) + " " + u.name + (n > 1 ? "s" : "") + " ago";
    }
  return "Less than a minute ago";
}

// All references per image (manifest digest).
std::map<std::string, std::vector<image::Reference>> references_by_image(const image::Store& store) {
  std::map<std::string, std::vector<image::Reference>> out;
  for (const auto& e : store.references()) out[e.manifest_digest].push_back(e.reference);
  return out;
}

void add_ls(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("ls", "List images");
  sub->alias("list");
  auto quiet = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("table");
  sub->add_flag("-q,--quiet", *quiet, "Only image IDs");
  sub->add_option("--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  set_action(sub, [quiet, format] {
    image::Store store;
    struct Row {
      std::string repository, tag, id, created, digest;
      int64_t size;
    };
    std::vector<Row> rows;
    for (const auto& e : store.references()) {
      image::Image img;
      try {
        img = store.image(e.manifest_digest);
      } catch (const Error& err) {
        log::warn(e.reference.familiar() + " is damaged (" + err.message() + "); remove it with berth image rm");
        continue;
      }
      image::Reference bare = e.reference;  // the repository alone, in docker's short form
      bare.tag.clear();
      bare.digest.clear();
      std::string repo = bare.familiar();
      std::string tag = e.reference.tag.empty() ? "<none>" : e.reference.tag;
      rows.push_back({repo, tag, img.config_digest, img.config.created, e.manifest_digest, img.size});
    }
    if (*quiet) {
      std::set<std::string> seen;
      for (const auto& r : rows)
        if (seen.insert(r.id).second) std::cout << short_id(r.id) << "\n";
      return 0;
    }
    if (*format == "json") {
      for (const auto& r : rows)
        std::cout << json{{"Repository", r.repository}, {"Tag", r.tag}, {"ID", r.id},
                          {"Digest", r.digest}, {"CreatedAt", r.created}, {"Size", r.size}}
                         .dump()
                  << "\n";
      return 0;
    }
    std::printf("%-40s %-16s %-14s %-24s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
    for (const auto& r : rows)
      std::printf("%-40s %-16s %-14s %-24s %s\n", r.repository.c_str(), r.tag.c_str(),
                  short_id(r.id).c_str(), since(r.created).c_str(), human_size(r.size).c_str());
    return 0;
  });
}

void add_rm(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("rm", "Remove images");
  sub->alias("remove");
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  sub->add_option("IMAGE", *names, "Images (references or IDs)")->required();
  sub->add_flag("-f,--force", *force, "Remove an image ID with all its tags, or one a container uses");
  set_action(sub, [names, force] {
    image::Store store;
    for (const auto& name : *names) {
      image::Image img;
      try {
        img = store.find(name);
      } catch (const Error&) {
        auto damaged = store.stored_reference(name);  // tagged, but its parts are broken
        if (!damaged) throw;
        store.remove_reference(*damaged);
        std::cout << "Untagged: " << damaged->familiar() << "\n";
        continue;
      }
      auto refs = references_by_image(store)[img.manifest_digest];
      auto named = store.stored_reference(name);
      std::vector<image::Reference> to_remove;
      if (!named) {  // an image ID: all its tags
        if (refs.size() > 1 && !*force)
          throw Error("image " + name + " has " + std::to_string(refs.size()) + " tags",
                      "remove the tags one by one, or use --force to remove them all");
        to_remove = refs;
      } else {
        to_remove = {*named};
      }
      auto users = store.pinned_by(img.manifest_digest);
      if (!users.empty() && to_remove.size() >= refs.size() && !*force) {
        std::string list;
        for (const auto& u : users) list += (list.empty() ? "" : ", ") + u.substr(0, 12);
        throw Error("image " + name + " is used by container " + list,
                    "remove the container first, or use --force to untag it anyway (its layers stay "
                    "while the container uses them)");
      }
      for (const auto& r : to_remove) {
        store.remove_reference(r);
        std::cout << "Untagged: " << r.familiar() << "\n";
      }
      bool still_used = false;
      for (const auto& e : store.references())
        if (e.manifest_digest == img.manifest_digest) still_used = true;
      if (!still_used && users.empty()) std::cout << "Deleted: " << img.config_digest << "\n";
    }
    store.collect_garbage();
    return 0;
  });
}

void add_inspect(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("inspect", "Show images in detail (JSON)");
  auto names = std::make_shared<std::vector<std::string>>();
  sub->add_option("IMAGE", *names, "Images")->required();
  set_action(sub, [names] {
    image::Store store;
    auto refs = references_by_image(store);
    json out = json::array();
    for (const auto& name : *names) {
      image::Image img = store.find(name);
      json config = json::parse(store.read_blob(img.config_digest));
      json tags = json::array();
      json digests = json::array();
      for (const auto& r : refs[img.manifest_digest]) {
        if (!r.tag.empty()) tags.push_back(r.familiar());
        image::Reference d = r;
        d.tag.clear();
        d.digest = img.manifest_digest;
        digests.push_back(d.familiar());
      }
      json layers = json::array();
      for (const auto& dir : img.layer_dirs) layers.push_back(dir.string());
      out.push_back({{"Id", img.config_digest},
                     {"RepoTags", tags},
                     {"RepoDigests", digests},
                     {"Created", config.value("created", "")},
                     {"Architecture", config.value("architecture", "")},
                     {"Variant", config.value("variant", "")},
                     {"Os", config.value("os", "")},
                     {"Size", img.size},
                     {"Config", config.value("config", json::object())},
                     {"RootFS", {{"Type", "layers"}, {"Layers", config["rootfs"]["diff_ids"]}}},
                     {"Manifest", {{"Digest", img.manifest_digest}, {"MediaType", img.manifest.media_type}}},
                     {"GraphDriver", {{"Name", "overlay"}, {"Data", {{"LowerDirs", layers}}}}}});
    }
    std::cout << out.dump(4) << "\n";
    return 0;
  });
}

void add_tag(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("tag", "Give an image another name");
  auto source = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  sub->add_option("SOURCE", *source, "Image (reference or ID)")->required();
  sub->add_option("TARGET", *target, "New reference")->required();
  set_action(sub, [source, target] {
    image::Store store;
    image::Image img = store.find(*source);
    auto ref = image::parse_reference(*target);
    if (!ref.digest.empty()) throw Error("cannot tag with a digest", "give name:tag");
    store.set_reference(ref, img.manifest_digest, img.manifest.media_type);
    return 0;
  });
}

void add_prune(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("prune", "Remove what no image uses (blobs, layers, partial pulls)");
  auto force = std::make_shared<bool>(false);
  sub->add_flag("-f,--force", *force, "Do not ask (berth never asks)");
  set_action(sub, [force] {  // the flag's storage must live as long as the parser
    image::Store store;
    auto r = store.collect_garbage();
    std::cout << "Deleted " << r.blobs_removed << " blobs and " << r.layers_removed
              << " unpacked layers\nTotal reclaimed space: " << human_size(r.bytes_freed) << "\n";
    return 0;
  });
}

void add_import(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("import", "Make a one-layer image from a root filesystem (tarball or directory)");
  auto source = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto changes = std::make_shared<std::vector<std::string>>();
  sub->add_option("SOURCE", *source, "Tarball (plain, gzip, zstd, xz), directory, or - for stdin")->required();
  sub->add_option("REFERENCE", *name, "The new image's name[:tag]")->required();
  sub->add_option("-c,--change", *changes, "Dockerfile instruction: CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE, USER, LABEL")
      ->allow_extra_args(false);
  set_action(sub, [source, name, changes] {
    auto ref = image::parse_reference(*name);
    image::Store store;
    std::string manifest = image::import_image(store, *source, ref, *changes);
    std::cout << store.image(manifest).config_digest << "\n";
    return 0;
  });
}

void add_save(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("save", "Write images to a tar archive (docker save and OCI layout in one)");
  auto names = std::make_shared<std::vector<std::string>>();
  auto output = std::make_shared<std::string>();
  sub->add_option("IMAGE", *names, "Images")->required();
  sub->add_option("-o,--output", *output, "File to write (default: stdout)");
  set_action(sub, [names, output] {
    if (output->empty() && ::isatty(1))
      throw Error("refusing to write an image archive to a terminal", "use -o FILE or redirect stdout");
    image::Store store;
    std::string out = output->empty() ? "-" : *output;
    std::string tmp = out == "-" ? out : out + ".partial";
    try {
      image::save_images(store, *names, tmp);
    } catch (...) {
      if (tmp != "-") std::filesystem::remove(tmp);
      throw;
    }
    if (tmp != out) std::filesystem::rename(tmp, out);
    return 0;
  });
}

void add_load(CLI::App& image_cmd) {
  auto* sub = image_cmd.add_subcommand("load", "Load images from a tar archive (docker save or OCI)");
  auto input = std::make_shared<std::string>();
  auto platform = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("-i,--input", *input, "Archive to read (default: stdin)");
  sub->add_option("--platform", *platform, "os/arch[/variant] for multi-platform archives");
  sub->add_flag("-q,--quiet", *quiet, "Print nothing");
  set_action(sub, [input, platform, quiet] {
    image::Store store;
    auto p = platform->empty() ? image::host_platform() : image::parse_platform(*platform);
    auto loaded = image::load_images(store, input->empty() ? "-" : *input, p);
    if (!*quiet)
      for (const auto& r : loaded) std::cout << "Loaded image: " << r << "\n";
    return 0;
  });
}


void add_pull(CLI::App& image_cmd, const GlobalOptions& global) {
  auto* sub = image_cmd.add_subcommand("pull", "Download an image from a registry");
  auto name = std::make_shared<std::string>();
  auto platform = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("IMAGE", *name, "name[:tag|@digest]")->required();
  sub->add_option("--platform", *platform, "os/arch[/variant] (default: this host's)");
  sub->add_flag("-q,--quiet", *quiet, "Print only the reference");
  set_action(sub, [name, platform, quiet, &global] {
    auto ref = image::parse_reference(*name);
    image::registry::PullOptions options;
    if (!platform->empty()) options.platform = image::parse_platform(*platform);
    LayerProgress progress(*quiet ? "quiet" : global.progress, stdout);
    options.on_event = [&](const image::registry::LayerEvent& e) { progress.on_event(e); };
    image::Store store;
    image::Reference bare = ref;
    bare.tag.clear();
    bare.digest.clear();
    if (!*quiet)
      std::printf("%s: Pulling from %s\n", ref.tag.empty() ? ref.digest.c_str() : ref.tag.c_str(), bare.familiar().c_str());
    auto result = image::registry::pull_image(store, ref, options);
    progress.finish();
    if (!*quiet)
      std::printf("Digest: %s\nStatus: %s for %s\n", result.manifest_digest.c_str(),
                  result.changed ? "Downloaded newer image" : "Image is up to date", ref.familiar().c_str());
    std::printf("%s\n", ref.str().c_str());
    return 0;
  });
}

void add_push(CLI::App& image_cmd, const GlobalOptions& global) {
  auto* sub = image_cmd.add_subcommand("push", "Upload an image to a registry");
  auto name = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  sub->add_option("IMAGE", *name, "name[:tag] (the registry is part of the name)")->required();
  sub->add_flag("-q,--quiet", *quiet, "Print only the digest");
  set_action(sub, [name, quiet, &global] {
    auto ref = image::parse_reference(*name);
    image::Store store;
    LayerProgress progress(*quiet ? "quiet" : global.progress, stdout);
    std::string digest = image::registry::push_image(
        store, *name, ref, [&](const image::registry::LayerEvent& e) { progress.on_event(e); });
    progress.finish();
    if (*quiet)
      std::printf("%s\n", digest.c_str());
    else
      std::printf("%s: digest: %s\n", ref.tag.empty() ? ref.digest.c_str() : ref.tag.c_str(), digest.c_str());
    return 0;
  });
}

std::string read_password_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void add_login(CLI::App& app) {
  auto* sub = app.add_subcommand("login", "Log in to a registry (stored in the docker client config)");
  auto server = std::make_shared<std::string>("docker.io");
  auto user = std::make_shared<std::string>();
  auto password = std::make_shared<std::string>();
  auto password_stdin = std::make_shared<bool>(false);
  sub->add_option("SERVER", *server, "Registry host[:port] (default docker.io)");
  sub->add_option("-u,--username", *user, "User name")->required();
  sub->add_option("-p,--password", *password, "Password (prefer --password-stdin)");
  sub->add_flag("--password-stdin", *password_stdin, "Read the password from stdin");
  set_action(sub, [server, user, password, password_stdin] {
    if (*password_stdin) *password = read_password_line();
    if (password->empty()) throw Error("no password given", "use --password-stdin or -p");
    image::Reference probe = image::parse_reference(*server + "/probe");
    if (*server == "docker.io" || *server == "index.docker.io") probe = image::parse_reference("library/probe");
    image::registry::Client client(probe, false);
    image::registry::Credentials creds{*user, *password};
    client.set_credentials(creds);
    client.check_login();
    image::registry::store_credentials(probe.registry, creds);
    std::printf("Login Succeeded\n");
    return 0;
  });
}

void add_logout(CLI::App& app) {
  auto* sub = app.add_subcommand("logout", "Log out from a registry");
  auto server = std::make_shared<std::string>("docker.io");
  sub->add_option("SERVER", *server, "Registry host[:port] (default docker.io)");
  set_action(sub, [server] {
    std::string registry = *server == "index.docker.io" ? "docker.io" : *server;
    if (image::registry::remove_credentials(registry))
      std::printf("Removing login credentials for %s\n", registry.c_str());
    else
      std::printf("Not logged in to %s\n", registry.c_str());
    return 0;
  });
}

void add_registry_verbs(CLI::App& app, CLI::App& image_cmd, const GlobalOptions& global) {
  add_pull(image_cmd, global);
  add_push(image_cmd, global);
  add_login(app);
  add_logout(app);
}

}  // namespace

void add_image_verbs(CLI::App& app, const GlobalOptions& global) {
  auto* image_cmd = app.add_subcommand("image", "Manage images");
  image_cmd->require_subcommand(1);
  add_ls(*image_cmd);
  add_rm(*image_cmd);
  add_inspect(*image_cmd);
  add_tag(*image_cmd);
  add_prune(*image_cmd);
  add_import(*image_cmd);
  add_save(*image_cmd);
  add_load(*image_cmd);
  add_registry_verbs(app, *image_cmd, global);
}

}  // namespace berth::cli
