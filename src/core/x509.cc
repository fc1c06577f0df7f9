#include "core/x509.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>

#include "core/crypto.h"

namespace amiplace::x509 {

namespace internal {
void PkeyFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
void X509Free::operator()(X509* p) const { X509_free(p); }
}  // namespace internal

namespace {

// One deleter type per OpenSSL free function.
template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
void FreeOpensslString(char* p) { OPENSSL_free(p); }
using OsslString = std::unique_ptr<char, Deleter<FreeOpensslString>>;

struct CertStackFree {
  // The stack only borrows its certificates.
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;

// Drains this thread's OpenSSL error queue into one line.
std::string DrainErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

Status OpenSslError(std::string_view what) {
  return InternalError(std::string(what) + ": " + DrainErrors());
}

Result<BioPtr> MemoryBio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return OpenSslError("BIO_new");
  return bio;
}

Result<BioPtr> ReadOnlyBio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return ValidationError("input too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) return OpenSslError("BIO_new_mem_buf");
  return bio;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<std::string> PublicKeyPemOf(EVP_PKEY* pkey) {
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio());
  if (PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) return OpenSslError("PEM_write_bio_PUBKEY");
  return BioContents(bio.get());
}

Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext) return OpenSslError(std::string("X509V3_EXT_nconf_nid ") + OBJ_nid2sn(nid));
  if (X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("X509_add_ext");
  return Status::Ok();
}

}  // namespace

// ---- PrivateKey -----------------------------------------------------------------------------

Result<PrivateKey> PrivateKey::GenerateRsa(int bits) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx) return OpenSslError("EVP_PKEY_CTX_new_from_name RSA");
  if (EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    return OpenSslError("RSA key generation set-up");
  }
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &pkey) != 1) return OpenSslError("EVP_PKEY_generate");
  return PrivateKey(pkey);
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr bio, ReadOnlyBio(pem));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) return ValidationError("not a PEM private key: " + DrainErrors());
  return PrivateKey(pkey);
}

Result<std::string> PrivateKey::ToPem() const {
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio());
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

Result<std::string> PrivateKey::PublicKeyPem() const { return PublicKeyPemOf(pkey_.get()); }

int PrivateKey::Bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

Result<std::string> PrivateKey::SignSha256(std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OpenSslError("EVP_MD_CTX_new");
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey_.get()) != 1) {
    return OpenSslError("EVP_DigestSignInit");
  }
  if (EVP_PKEY_get_base_id(pkey_.get()) == EVP_PKEY_RSA &&
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return OpenSslError("EVP_PKEY_CTX_set_rsa_padding");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(data), data.size()) != 1) {
    return OpenSslError("EVP_DigestSign (length)");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(data),
                     data.size()) != 1) {
    return OpenSslError("EVP_DigestSign");
  }
  sig.resize(len);
  return sig;
}

// ---- Certificate ----------------------------------------------------------------------------

Result<Certificate> Certificate::SelfSigned(const PrivateKey& key, std::string_view common_name,
                                            int validity_days) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return OpenSslError("X509_set_version");

  // A random positive serial of 128 bits (RFC 5280 allows up to 20 octets).
  std::string serial = crypto::RandomBytes(16);
  serial[0] = static_cast<char>((static_cast<unsigned char>(serial[0]) & 0x7f) | 0x40);
  BnPtr bn(BN_bin2bn(Bytes(serial), static_cast<int>(serial.size()), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslError("serial number");
  }

  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), validity_days, 0, nullptr) == nullptr) {
    return OpenSslError("validity");
  }

  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, Bytes(common_name),
                                 static_cast<int>(common_name.size()), -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    return OpenSslError("subject name");
  }
  if (X509_set_pubkey(cert.get(), key.get()) != 1) return OpenSslError("X509_set_pubkey");

  // The subject key identifier must exist before the authority key identifier refers to it.
  AMIPLACE_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  AMIPLACE_RETURN_IF_ERROR(AddExtension(cert.get(), NID_authority_key_identifier, "keyid:always"));
  AMIPLACE_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE"));

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return OpenSslError("X509_sign");
  return Certificate(cert.release());
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr bio, ReadOnlyBio(pem));
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) return ValidationError("not a PEM certificate: " + DrainErrors());
  return Certificate(cert);
}

Result<std::string> Certificate::ToPem() const {
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr bio, MemoryBio());
  if (PEM_write_bio_X509(bio.get(), cert_.get()) != 1) return OpenSslError("PEM_write_bio_X509");
  return BioContents(bio.get());
}

Result<std::string> Certificate::PublicKeyPem() const {
  EVP_PKEY* pkey = X509_get0_pubkey(cert_.get());
  if (pkey == nullptr) return OpenSslError("X509_get0_pubkey");
  return PublicKeyPemOf(pkey);
}

std::string Certificate::CommonName() const {
  X509_NAME* name = X509_get_subject_name(cert_.get());
  int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::string Certificate::SerialHex() const {
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert_.get()), nullptr));
  if (!bn) return "";
  OsslString hex(BN_bn2hex(bn.get()));
  return hex ? std::string(hex.get()) : std::string();
}

Result<int> Certificate::ValidityDays() const {
  int days = 0, seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert_.get()),
                     X509_get0_notAfter(cert_.get())) != 1) {
    return OpenSslError("ASN1_TIME_diff");
  }
  return days;
}

bool Certificate::Matches(const PrivateKey& key) const {
  bool ok = X509_check_private_key(cert_.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

bool Certificate::VerifySha256(std::string_view data, std::string_view signature) const {
  EVP_PKEY* pkey = X509_get0_pubkey(cert_.get());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = pkey != nullptr && ctx &&
            EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey) == 1 &&
            (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA ||
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
            EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(data),
                             data.size()) == 1;
  ERR_clear_error();
  return ok;
}

// ---- PKCS#7 ---------------------------------------------------------------------------------

Result<std::string> SignPkcs7(const PrivateKey& key, const Certificate& cert,
                              std::string_view content, const Pkcs7Options& options) {
  int flags = PKCS7_BINARY | PKCS7_NOSMIMECAP | PKCS7_PARTIAL;
  if (options.detached) flags |= PKCS7_DETACHED;
  if (!options.include_certificate) flags |= PKCS7_NOCERTS;

  // PARTIAL: build the structure first so the digest can be named (SHA-256) rather than left
  // to the key's default, then add the content with PKCS7_final.
  Pkcs7Ptr p7(PKCS7_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (!p7) return OpenSslError("PKCS7_sign");
  if (PKCS7_sign_add_signer(p7.get(), cert.get(), key.get(), EVP_sha256(), flags) == nullptr) {
    return OpenSslError("PKCS7_sign_add_signer");
  }
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr data, ReadOnlyBio(content));
  if (PKCS7_final(p7.get(), data.get(), flags) != 1) return OpenSslError("PKCS7_final");

  int len = i2d_PKCS7(p7.get(), nullptr);
  if (len <= 0) return OpenSslError("i2d_PKCS7 (length)");
  std::string der(static_cast<size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PKCS7(p7.get(), &out) != len) return OpenSslError("i2d_PKCS7");
  return der;
}

Result<std::string> VerifyPkcs7(std::string_view der, const Certificate& signer,
                                std::optional<std::string_view> detached_content) {
  const unsigned char* in = Bytes(der);
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &in, static_cast<long>(der.size())));
  if (!p7) return ValidationError("not a DER PKCS#7 structure: " + DrainErrors());
  if (PKCS7_type_is_signed(p7.get()) == 0) return ValidationError("PKCS#7 is not signedData");

  CertStackPtr certs(sk_X509_new_null());
  if (!certs || sk_X509_push(certs.get(), signer.get()) <= 0) return OpenSslError("sk_X509_push");
  StorePtr store(X509_STORE_new());
  if (!store) return OpenSslError("X509_STORE_new");

  BioPtr indata;
  if (detached_content) {
    AMIPLACE_ASSIGN_OR_RETURN(indata, ReadOnlyBio(*detached_content));
  }
  AMIPLACE_ASSIGN_OR_RETURN(BioPtr out, MemoryBio());
  // NOINTERN: the signer must be `signer`, whatever certificates the message carries.
  // NOVERIFY: `signer` is trusted as given. BINARY: no CRLF translation of the content.
  int flags = PKCS7_NOINTERN | PKCS7_NOVERIFY | PKCS7_BINARY;
  if (PKCS7_verify(p7.get(), certs.get(), store.get(), indata.get(), out.get(), flags) != 1) {
    return Status(ErrorCode::kInvalidSignature,
                  "the PKCS#7 signature does not verify: " + DrainErrors());
  }
  return BioContents(out.get());
}

std::string WrappedBase64(std::string_view bytes, size_t line_length) {
  std::string flat = crypto::Base64(bytes);
  if (line_length == 0 || flat.size() <= line_length) return flat;
  std::string out;
  out.reserve(flat.size() + flat.size() / line_length);
  for (size_t i = 0; i < flat.size(); i += line_length) {
    if (i != 0) out.push_back('\n');
    out.append(flat, i, line_length);
  }
  return out;
}

}  // namespace amiplace::x509
