// The marketplace's signing identity: the RSA-2048 key and self-signed certificate that sign
// every instance identity document (CONTRACT §6), and the signatures the metadata service
// serves beside the document.
//
// The pair is made once per store and kept there (MetaStore::GetIdentityKey/PutIdentityKey; the
// store seals the private key at rest). The first call of any method loads it, or generates it
// when the store has none; two servers or threads that generate at once both end up with the
// pair stored first, because the store never overwrites one. A failed load is not remembered:
// the next call tries again.
//
// EC2 signs /pkcs7 with DSA-SHA1 and /rsa2048 with RSA-2048-SHA256, each under its own
// certificate; amiplace signs both, and /signature, with its one RSA-2048 key (SHA-256), so the
// one certificate at GET /amiplace/v1/identity-certificate verifies all three. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "app/ports.h"
#include "core/status.h"

namespace amiplace {

// The three answers the metadata service gives beside the document, each exactly as EC2 serves
// it: base64 in lines of 76 characters joined by "\n", no trailing line break, no PEM armour
// (clients add "-----BEGIN PKCS7-----" / "-----END PKCS7-----" around /pkcs7 and /rsa2048).
struct IdentitySignatures {
  std::string signature;  // /signature: RSASSA-PKCS1-v1_5 SHA-256 of the document
  std::string pkcs7;      // /pkcs7: PKCS#7 signedData (SHA-256, RSA), the document inside
  std::string rsa2048;    // /rsa2048: the same signedData
};

class MarketplaceIdentity {
 public:
  static constexpr std::string_view kCommonName = "amiplace marketplace identity";
  static constexpr int kValidityDays = 3652;  // ten years

  explicit MarketplaceIdentity(MetaStore& store);
  ~MarketplaceIdentity();
  MarketplaceIdentity(const MarketplaceIdentity&) = delete;
  MarketplaceIdentity& operator=(const MarketplaceIdentity&) = delete;

  // The certificate, PEM ("-----BEGIN CERTIFICATE-----\n...-----END CERTIFICATE-----\n").
  Result<std::string> CertificatePem();

  // Signs `document` byte for byte as the metadata service will serve it.
  Result<IdentitySignatures> SignDocument(std::string_view document);

 private:
  struct Loaded;
  Result<std::shared_ptr<const Loaded>> Load();

  MetaStore& store_;
  std::mutex mu_;  // guards loaded_ and serializes the first load
  std::shared_ptr<const Loaded> loaded_;
};

}  // namespace amiplace
