// RSA keys, self-signed X.509 certificates and PKCS#7 signatures on OpenSSL 3: what the
// marketplace needs to sign instance identity documents the way EC2 does (app/
// marketplace_identity.h), and what tests and the seller's example need to verify them.
//
// PrivateKey and Certificate own their OpenSSL object; they are move-only values. Once built they
// are never modified, so one object may be used by many threads at once (OpenSSL allows
// concurrent use of an EVP_PKEY or X509 that nobody mutates). Failures come back as Status
// kInternal carrying OpenSSL's own error text; malformed input (a bad PEM) is kValidation.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace::x509 {

namespace internal {
struct PkeyFree {
  void operator()(EVP_PKEY* p) const;
};
struct X509Free {
  void operator()(X509* p) const;
};
}  // namespace internal

class PrivateKey {
 public:
  // A fresh RSA key pair (public exponent 65537).
  static Result<PrivateKey> GenerateRsa(int bits = 2048);
  // Reads a PEM private key (PKCS#8 "PRIVATE KEY" or traditional "RSA PRIVATE KEY").
  static Result<PrivateKey> FromPem(std::string_view pem);

  // Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Seal it before it goes to disk.
  Result<std::string> ToPem() const;
  // The public half as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
  Result<std::string> PublicKeyPem() const;
  int Bits() const;

  // RSASSA-PKCS1-v1_5 over SHA-256 of `data`: the raw signature bytes (bits/8 of them), what
  // `openssl dgst -sha256 -sign` writes.
  Result<std::string> SignSha256(std::string_view data) const;

  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  explicit PrivateKey(EVP_PKEY* pkey) : pkey_(pkey) {}
  std::unique_ptr<EVP_PKEY, internal::PkeyFree> pkey_;
};

class Certificate {
 public:
  // A self-signed v3 certificate for `key`: subject = issuer = CN=`common_name`, a random
  // positive 128-bit serial, valid from now for `validity_days`, basicConstraints CA:TRUE with
  // subject and authority key identifiers (the shape of EC2's own RSA identity certificate), so
  // it verifies both with `-noverify` and as its own trust anchor (`-CAfile`). SHA-256 signed.
  static Result<Certificate> SelfSigned(const PrivateKey& key, std::string_view common_name,
                                        int validity_days);
  static Result<Certificate> FromPem(std::string_view pem);

  Result<std::string> ToPem() const;  // "-----BEGIN CERTIFICATE-----"
  Result<std::string> PublicKeyPem() const;
  // The subject's first commonName; empty when it has none.
  std::string CommonName() const;
  std::string SerialHex() const;  // upper-case hex, as `openssl x509 -serial` prints it
  // Whole days from notBefore to notAfter.
  Result<int> ValidityDays() const;
  // Whether `key` is the private half of this certificate's public key.
  bool Matches(const PrivateKey& key) const;

  // Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature of `data` with this certificate's key.
  bool VerifySha256(std::string_view data, std::string_view signature) const;

  X509* get() const { return cert_.get(); }

 private:
  explicit Certificate(X509* cert) : cert_(cert) {}
  std::unique_ptr<X509, internal::X509Free> cert_;
};

struct Pkcs7Options {
  // Detached: the signedData carries no content and verifiers must be given the document
  // (`-content`). Attached (the default, what EC2 serves): the document travels inside, so
  // `openssl smime -verify` works with or without `-content` and prints the document.
  bool detached = false;
  // Whether the signer's certificate goes into the signedData. EC2 leaves it out, so a verifier
  // must bring the certificate (`-certfile`) and cannot be satisfied by one the signer chose.
  bool include_certificate = false;
};

// A PKCS#7 signedData over `content`: SHA-256 digest, RSA signature by `key`, signed attributes
// contentType, signingTime and messageDigest (no S/MIME capabilities), binary content (no
// CRLF translation). Returns the DER bytes.
Result<std::string> SignPkcs7(const PrivateKey& key, const Certificate& cert,
                              std::string_view content, const Pkcs7Options& options = {});

// Verifies a DER PKCS#7 signedData against `signer` only (certificates inside the message are
// ignored; the certificate's own chain is not checked, like `-noverify`). With
// `detached_content` the signature is checked over it, else over the content inside. Returns the
// content that was verified; kInvalidSignature when it does not verify.
Result<std::string> VerifyPkcs7(std::string_view der, const Certificate& signer,
                                std::optional<std::string_view> detached_content = std::nullopt);

// Base64 broken into lines of `line_length` characters joined by "\n", without a trailing line
// break: how EC2's metadata service serves /signature, /pkcs7 and /rsa2048 (76 columns, MIME
// style). Decoders that skip line breaks (crypto::Base64Decode, `base64 -d`) read it back.
std::string WrappedBase64(std::string_view bytes, size_t line_length = 76);

}  // namespace amiplace::x509
