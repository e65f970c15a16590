// Registry credentials in docker's client config ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json, the "auths" section), which `berth login` and `logout` edit in place.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace berth::image::registry {

struct Credentials {
  std::string username;
  std::string password;  // or an identity token when username is "<token>"
};

std::filesystem::path docker_config_path();

// The key docker uses for a registry: "https://index.docker.io/v1/" for docker.io, else the host.
std::string auth_key(const std::string& registry);

// Credentials for `registry`, if the config has some (credential helpers are not consulted).
std::optional<Credentials> find_credentials(const std::string& registry);
void store_credentials(const std::string& registry, const Credentials& credentials);
// False when there was nothing to remove.
bool remove_credentials(const std::string& registry);

std::string base64_encode(const std::string& data);
std::string base64_decode(const std::string& data);  // throws berth::Error on bad input

}  // namespace berth::image::registry
