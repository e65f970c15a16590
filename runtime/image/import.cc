#include "runtime/image/import.h"

#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "runtime/image/assemble.h"
#include "util/error.h"

namespace berth::image {

namespace {

Error bad_change(const std::string& change, const std::string& why) {
  return Error("invalid --change '" + change + "': " + why,
               "use one of CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE, USER, LABEL in Dockerfile "
               "syntax, e.g. --change 'CMD [\"sh\"]' or --change 'ENV A=1'");
}

// Words split at blanks, with "double" or 'single' quotes grouping and removed.
std::vector<std::string> words(const std::string& text, const std::string& change) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        cur += text[++i];
      } else {
        cur += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      if (c == '\\' && i + 1 < text.size()) c = text[++i];
      cur += c;
      in_word = true;
    }
  }
  if (quote) throw bad_change(change, "a quote is not closed");
  if (in_word) out.push_back(cur);
  return out;
}

// CMD/ENTRYPOINT: a JSON array (exec form) or a string for /bin/sh -c (shell form).
std::vector<std::string> command(const std::string& args, const std::string& change) {
  if (!args.empty() && args.front() == '[') {
    try {
      return nlohmann::json::parse(args).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
      throw bad_change(change, "the exec form must be a JSON array of strings");
    }
  }
  if (args.empty()) throw bad_change(change, "the command is empty");
  return {"/bin/sh", "-c", args};
}

// "K=V K2=V2" or the old "K V" form.
std::vector<std::pair<std::string, std::string>> pairs(const std::string& args, const std::string& change) {
  std::vector<std::pair<std::string, std::string>> out;
  auto ws = words(args, change);
  if (ws.empty()) throw bad_change(change, "it sets nothing");
  if (ws.front().find('=') == std::string::npos) {
    auto space = args.find_first_of(" \t");
    if (space == std::string::npos) throw bad_change(change, "use KEY=value");
    std::string value = args.substr(args.find_first_not_of(" \t", space));
    out.emplace_back(ws.front(), value);
    return out;
  }
  for (const auto& w : ws) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) throw bad_change(change, "'" + w + "' is not KEY=value");
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return out;
}

void set_env(ImageConfig& config, const std::string& key, const std::string& value) {
  std::string entry = key + "=" + value;
  for (auto& e : config.env)
    if (e.compare(0, key.size() + 1, key + "=") == 0) {
      e = entry;
      return;
    }
  config.env.push_back(entry);
}

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

void apply_change(ImageConfig& config, const std::string& change) {
  std::string text = change;
  auto start = text.find_first_not_of(" \t");
  if (start == std::string::npos) throw bad_change(change, "it is empty");
  text = text.substr(start);
  auto space = text.find_first_of(" \t");
  std::string keyword = text.substr(0, space);
  for (auto& c : keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string args;
  if (space != std::string::npos) {
    auto a = text.find_first_not_of(" \t", space);
    if (a != std::string::npos) args = text.substr(a);
  }
  while (!args.empty() && (args.back() == ' ' || args.back() == '\t')) args.pop_back();

  if (keyword == "CMD") {
    config.cmd = command(args, change);
  } else if (keyword == "ENTRYPOINT") {
    config.entrypoint = command(args, change);
  } else if (keyword == "ENV") {
    for (const auto& [k, v] : pairs(args, change)) set_env(config, k, v);
  } else if (keyword == "LABEL") {
    for (const auto& [k, v] : pairs(args, change)) config.labels[k] = v;
  } else if (keyword == "WORKDIR") {
    if (args.empty()) throw bad_change(change, "the directory is missing");
    config.working_dir = args;
  } else if (keyword == "USER") {
    if (args.empty() || args.find_first_of(" \t") != std::string::npos)
      throw bad_change(change, "use USER name[:group] or uid[:gid]");
    config.user = args;
  } else if (keyword == "EXPOSE") {
    auto ports = words(args, change);
    if (ports.empty()) throw bad_change(change, "no port given");
    for (auto p : ports) {
      if (p.find('/') == std::string::npos) p += "/tcp";
      auto slash = p.find('/');
      std::string num = p.substr(0, slash);
      std::string proto = p.substr(slash + 1);
      if (num.empty() || num.find_first_not_of("0123456789-") != std::string::npos ||
          (proto != "tcp" && proto != "udp" && proto != "sctp"))
        throw bad_change(change, "'" + p + "' is not PORT[/tcp|udp|sctp]");
      config.exposed_ports.insert(p);
    }
  } else {
    throw bad_change(change, "'" + keyword + "' is not an instruction import can apply");
  }
}

std::string import_image(Store& store, const std::string& source, const Reference& ref,
                         const std::vector<std::string>& changes) {
  ImageConfig config;
  config.env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& c : changes) apply_change(config, c);  // bad changes fail before any work
  Platform host = host_platform();
  config.os = host.os;
  config.architecture = host.architecture;
  config.variant = host.variant;
  config.created = now_rfc3339();

  FileLock use = store.use_lock();
  Descriptor layer;
  if (source != "-" && std::filesystem::is_directory(source)) {
    layer = layer_from_directory(store, source);
  } else {
    if (source != "-" && !std::filesystem::exists(source))
      throw Error("cannot import " + source + ": no such file or directory",
                  "give a root filesystem tarball, a directory, or - for stdin");
    layer = layer_from_tarball(store, source);
  }
  config.diff_ids = {layer.digest};
  std::string manifest = assemble_image(store, config, {layer});
  store.set_reference(ref, manifest, media::kOciManifest);
  return manifest;
}

}  // namespace berth::image
