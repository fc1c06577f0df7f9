// verify_marketplace_instance: what AWS asks a seller's software to do when it starts — check
// that it runs on its own marketplace AMI. It
//   1. fetches the instance identity document over IMDSv2 (a session token first),
//   2. fetches the signature (/pkcs7, PKCS#7 over the document) and verifies it against the
//      marketplace's certificate — only that certificate is trusted, not one inside the message,
//   3. compares the product code in `marketplaceProductCodes` with the expected one.
// It exits 0 when all holds, 1 when the instance is not the expected product (or the document
// cannot be trusted), 2 on usage errors. Standalone: Boost.Beast for HTTP and OpenSSL.
//
//   verify_marketplace_instance --product-code CODE
//       [--metadata-endpoint http://169.254.169.254]   (amiplace: http://<PrivateIpAddress>:<imds-port>)
//       [--certificate FILE | --certificate-url URL]  (amiplace: http://HOST:PORT/amiplace/v1/identity-certificate)
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Url {
  std::string host, port, path;
};

std::optional<Url> ParseUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  Url u;
  u.path = slash == std::string::npos ? "" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  u.host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  u.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  if (u.path.size() > 1 && u.path.back() == '/') u.path.pop_back();
  if (u.path == "/") u.path.clear();
  return u;
}

struct Reply {
  int status = 0;
  std::string body;
};

std::optional<Reply> Request(const Url& base, http::verb method, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  try {
    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(base.host, base.port));
    http::request<http::string_body> req(method, base.path + path, 11);
    req.set(http::field::host, base.host);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return Reply{static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception& e) {
    std::cerr << "request to " << base.host << ":" << base.port << base.path << path
              << " failed: " << e.what() << "\n";
    return std::nullopt;
  }
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// Verifies the detached-or-embedded PKCS#7 `pem` over `document`, trusting only `cert_pem`.
bool VerifyPkcs7(const std::string& pem, const std::string& document, const std::string& cert_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> pbio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(PEM_read_bio_PKCS7(pbio.get(), nullptr, nullptr, nullptr), PKCS7_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> cbio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!p7 || !cert) {
    std::cerr << "cannot parse the signature or the certificate: " << OpenSslError() << "\n";
    return false;
  }
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> signers(sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_free(s); });
  sk_X509_push(signers.get(), cert.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> content(BIO_new_mem_buf(document.data(), static_cast<int>(document.size())), BIO_free);
  // NOINTERN: only the given certificate may have signed it; NOVERIFY: it is self-issued.
  int ok = PKCS7_verify(p7.get(), signers.get(), nullptr, content.get(), nullptr,
                        PKCS7_NOINTERN | PKCS7_NOVERIFY | PKCS7_BINARY);
  if (ok != 1) std::cerr << "signature check failed: " << OpenSslError() << "\n";
  return ok == 1;
}

int Usage() {
  std::cerr << "usage: verify_marketplace_instance --product-code CODE [--metadata-endpoint URL]\n"
               "                                   [--certificate FILE | --certificate-url URL]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string code, endpoint = "http://169.254.169.254", cert_file, cert_url;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (a == "--product-code" && (v = next())) code = *v;
    else if (a == "--metadata-endpoint" && (v = next())) endpoint = *v;
    else if (a == "--certificate" && (v = next())) cert_file = *v;
    else if (a == "--certificate-url" && (v = next())) cert_url = *v;
    else return Usage();
  }
  if (code.empty() || (cert_file.empty() == cert_url.empty())) return Usage();
  auto imds = ParseUrl(endpoint);
  if (!imds) return Usage();

  std::string cert_pem;
  if (!cert_file.empty()) {
    std::ifstream in(cert_file);
    std::stringstream ss;
    ss << in.rdbuf();
    cert_pem = ss.str();
  } else {
    auto u = ParseUrl(cert_url);
    if (!u) return Usage();
    auto r = Request(*u, http::verb::get, "", {});
    if (!r || r->status != 200) {
      std::cerr << "cannot fetch the marketplace certificate\n";
      return 1;
    }
    cert_pem = r->body;
  }

  // IMDSv2: a session token first.
  auto token = Request(*imds, http::verb::put, "/latest/api/token",
                       {{"X-aws-ec2-metadata-token-ttl-seconds", "300"}});
  if (!token || token->status != 200) {
    std::cerr << "no IMDSv2 token from " << endpoint << "\n";
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> auth{{"X-aws-ec2-metadata-token", token->body}};
  auto document = Request(*imds, http::verb::get, "/latest/dynamic/instance-identity/document", auth);
  auto pkcs7 = Request(*imds, http::verb::get, "/latest/dynamic/instance-identity/pkcs7", auth);
  if (!document || document->status != 200 || !pkcs7 || pkcs7->status != 200) {
    std::cerr << "cannot read the instance identity document\n";
    return 1;
  }
  std::string pem = "-----BEGIN PKCS7-----\n" + pkcs7->body + "\n-----END PKCS7-----\n";
  if (!VerifyPkcs7(pem, document->body, cert_pem)) {
    std::cerr << "the identity document is not signed by the marketplace\n";
    return 1;
  }
  boost::system::error_code ec;
  auto doc = boost::json::parse(document->body, ec);
  if (ec || !doc.is_object()) {
    std::cerr << "the identity document is not JSON\n";
    return 1;
  }
  const auto* codes = doc.as_object().if_contains("marketplaceProductCodes");
  if (codes != nullptr && codes->is_array()) {
    for (const auto& c : codes->as_array()) {
      if (c.is_string() && c.as_string() == code) {
        std::cout << "OK: instance " << std::string(doc.as_object().at("instanceId").as_string())
                  << " runs marketplace product " << code << "\n";
        return 0;
      }
    }
  }
  std::cerr << "NOT VERIFIED: this instance does not carry product code " << code << "\n";
  return 1;
}
