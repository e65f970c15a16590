#include "tests/support/token_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace berth::test {

namespace {

std::string base64(const unsigned char* data, size_t n, bool url) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  if (url) {
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}
std::string base64url(const std::string& s) {
  return base64(reinterpret_cast<const unsigned char*>(s.data()), s.size(), true);
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

}  // namespace

TokenServer::TokenServer(std::string user, std::string password)
    : user_(std::move(user)), password_(std::move(password)) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (!key) throw std::runtime_error("RSA key generation failed");
  key_ = key;
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("berth-test-token"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert, &der);
  cert_der_base64_ = base64(der, static_cast<size_t>(der_len), false);
  OPENSSL_free(der);
  FILE* f = std::fopen((dir_.path() / "cert.pem").c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  X509_free(cert);

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  ::listen(listen_fd_, 16);
  thread_ = std::thread([this] { serve(); });
}

TokenServer::~TokenServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  ::close(listen_fd_);
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
}

std::string TokenServer::registry_auth_yaml() const {
  return "auth:\n  token:\n    realm: http://127.0.0.1:" + std::to_string(port_) +
         "/token\n    service: berth-test\n    issuer: berth-test-issuer\n    rootcertbundle: " +
         (dir_.path() / "cert.pem").string() + "\n";
}

std::vector<std::string> TokenServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void TokenServer::serve() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      request.append(buf, static_cast<size_t>(n));
    }
    std::string response = answer(request);
    ::write(fd, response.data(), response.size());
    ::close(fd);
  }
}

std::string TokenServer::answer(const std::string& request) {
  std::string line = request.substr(0, request.find("\r\n"));
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line);
  }
  std::string expected = "Authorization: Basic " +
                         base64(reinterpret_cast<const unsigned char*>((user_ + ":" + password_).data()),
                                user_.size() + 1 + password_.size(), false);
  if (request.find(expected) == std::string::npos)
    return "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  // The scope: repository:NAME:ACTIONS.
  std::string target = line.substr(line.find(' ') + 1);
  target = target.substr(0, target.find(' '));
  nlohmann::json access = nlohmann::json::array();
  auto pos = target.find("scope=");
  if (pos != std::string::npos) {
    std::string scope = url_decode(target.substr(pos + 6, target.find('&', pos) - pos - 6));
    auto first = scope.find(':');
    auto last = scope.rfind(':');
    nlohmann::json actions = nlohmann::json::array();
    std::string list = scope.substr(last + 1);
    for (size_t start = 0; start <= list.size();) {
      auto comma = list.find(',', start);
      actions.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    access.push_back({{"type", scope.substr(0, first)}, {"name", scope.substr(first + 1, last - first - 1)}, {"actions", actions}});
  }
  auto now = std::time(nullptr);
  nlohmann::json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", {cert_der_base64_}}};
  nlohmann::json claims = {{"iss", "berth-test-issuer"}, {"sub", user_},  {"aud", "berth-test"},
                           {"exp", now + 600},           {"nbf", now - 60}, {"iat", now},
                           {"jti", std::to_string(now) + std::to_string(requests().size())}, {"access", access}};
  std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(key_));
  size_t sig_len = 0;
  EVP_DigestSign(ctx, nullptr, &sig_len, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  std::string sig(sig_len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                 reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  EVP_MD_CTX_free(ctx);
  sig.resize(sig_len);
  std::string body = nlohmann::json{{"token", signing_input + "." + base64url(sig)}, {"expires_in", 600}}.dump();
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace berth::test
