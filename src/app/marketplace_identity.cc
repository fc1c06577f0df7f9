#include "app/marketplace_identity.h"

#include <spdlog/spdlog.h>

#include "core/x509.h"

namespace amiplace {

namespace {

// What EC2's metadata service serves: base64 at 76 columns; the PKCS#7 carries the document
// and no certificate (verifiers bring the marketplace's with -certfile). Seller software written
// against these answers then behaves the same on amiplace and on EC2.
constexpr size_t kLineLength = 76;
constexpr x509::Pkcs7Options kPkcs7Options{.detached = false, .include_certificate = false};

}  // namespace

struct MarketplaceIdentity::Loaded {
  x509::PrivateKey key;
  x509::Certificate cert;
  std::string cert_pem;
};

MarketplaceIdentity::MarketplaceIdentity(MetaStore& store) : store_(store) {}
MarketplaceIdentity::~MarketplaceIdentity() = default;

Result<std::shared_ptr<const MarketplaceIdentity::Loaded>> MarketplaceIdentity::Load() {
  std::lock_guard lock(mu_);
  if (loaded_) return loaded_;

  AMIPLACE_ASSIGN_OR_RETURN(std::optional<MetaStore::IdentityKey> stored, store_.GetIdentityKey());
  if (!stored) {
    AMIPLACE_ASSIGN_OR_RETURN(x509::PrivateKey key, x509::PrivateKey::GenerateRsa(2048));
    AMIPLACE_ASSIGN_OR_RETURN(x509::Certificate cert,
                              x509::Certificate::SelfSigned(key, kCommonName, kValidityDays));
    AMIPLACE_ASSIGN_OR_RETURN(std::string key_pem, key.ToPem());
    AMIPLACE_ASSIGN_OR_RETURN(std::string cert_pem, cert.ToPem());
    // Another server may have stored a pair meanwhile: the store keeps the first, and says which.
    AMIPLACE_ASSIGN_OR_RETURN(stored, store_.PutIdentityKey(key_pem, cert_pem));
    if (stored->cert_pem == cert_pem) {
      spdlog::info("generated the marketplace identity key pair (certificate serial {})",
                   cert.SerialHex());
    }
  }

  auto key = x509::PrivateKey::FromPem(stored->key_pem);
  if (!key.ok()) return InternalError("the stored identity key: " + key.status().message());
  auto cert = x509::Certificate::FromPem(stored->cert_pem);
  if (!cert.ok()) return InternalError("the stored identity certificate: " + cert.status().message());
  if (!cert->Matches(*key)) {
    return InternalError("the stored identity certificate does not belong to the stored key");
  }
  loaded_ = std::make_shared<const Loaded>(
      Loaded{std::move(key).value(), std::move(cert).value(), stored->cert_pem});
  return loaded_;
}

Result<std::string> MarketplaceIdentity::CertificatePem() {
  AMIPLACE_ASSIGN_OR_RETURN(auto loaded, Load());
  return loaded->cert_pem;
}

Result<IdentitySignatures> MarketplaceIdentity::SignDocument(std::string_view document) {
  AMIPLACE_ASSIGN_OR_RETURN(auto loaded, Load());
  AMIPLACE_ASSIGN_OR_RETURN(std::string signature, loaded->key.SignSha256(document));
  AMIPLACE_ASSIGN_OR_RETURN(std::string pkcs7,
                            x509::SignPkcs7(loaded->key, loaded->cert, document, kPkcs7Options));
  IdentitySignatures out;
  out.signature = x509::WrappedBase64(signature, kLineLength);
  out.pkcs7 = x509::WrappedBase64(pkcs7, kLineLength);
  out.rsa2048 = out.pkcs7;
  return out;
}

}  // namespace amiplace
