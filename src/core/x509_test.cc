#include "core/x509.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "core/crypto.h"

namespace amiplace::x509 {
namespace {

// RSA key generation takes a noticeable fraction of a second: one key pair for the suite.
class X509Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = PrivateKey::GenerateRsa(2048);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_ = new PrivateKey(std::move(key).value());
    auto cert = Certificate::SelfSigned(*key_, "amiplace marketplace identity", 3652);
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    cert_ = new Certificate(std::move(cert).value());
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete key_;
  }
  static PrivateKey* key_;
  static Certificate* cert_;
};
PrivateKey* X509Test::key_ = nullptr;
Certificate* X509Test::cert_ = nullptr;

TEST_F(X509Test, GeneratesRsa2048AndSelfSignedCertificate) {
  EXPECT_EQ(key_->Bits(), 2048);
  EXPECT_EQ(cert_->CommonName(), "amiplace marketplace identity");
  auto days = cert_->ValidityDays();
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(*days, 3652);
  EXPECT_TRUE(cert_->Matches(*key_));
  EXPECT_EQ(X509_check_issued(cert_->get(), cert_->get()), X509_V_OK);  // self-signed
  EXPECT_EQ(X509_verify(cert_->get(), X509_get0_pubkey(cert_->get())), 1);
  EXPECT_EQ(cert_->SerialHex().size(), 32u);

  auto other = Certificate::SelfSigned(*key_, "amiplace marketplace identity", 3652);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->SerialHex(), cert_->SerialHex());  // random serials
}

TEST_F(X509Test, PemRoundTrips) {
  auto key_pem = key_->ToPem();
  ASSERT_TRUE(key_pem.ok());
  EXPECT_TRUE(key_pem->starts_with("-----BEGIN PRIVATE KEY-----\n"));
  auto key = PrivateKey::FromPem(*key_pem);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->ToPem().value(), *key_pem);

  auto cert_pem = cert_->ToPem();
  ASSERT_TRUE(cert_pem.ok());
  EXPECT_TRUE(cert_pem->starts_with("-----BEGIN CERTIFICATE-----\n"));
  auto cert = Certificate::FromPem(*cert_pem);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->ToPem().value(), *cert_pem);
  EXPECT_EQ(cert->SerialHex(), cert_->SerialHex());
  EXPECT_TRUE(cert->Matches(*key));
  EXPECT_EQ(cert->PublicKeyPem().value(), key_->PublicKeyPem().value());
}

TEST_F(X509Test, BadPemIsAValidationError) {
  auto key = PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kValidation);
  auto cert = Certificate::FromPem("");
  ASSERT_FALSE(cert.ok());
  EXPECT_EQ(cert.status().code(), ErrorCode::kValidation);
}

TEST_F(X509Test, ForeignKeyDoesNotMatch) {
  auto other = PrivateKey::GenerateRsa(2048);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(cert_->Matches(*other));
}

TEST_F(X509Test, Sha256SignatureVerifiesWithThePublicKey) {
  const std::string doc = "{\n  \"instanceId\" : \"i-0123\"\n}";
  auto sig = key_->SignSha256(doc);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 256u);
  EXPECT_TRUE(cert_->VerifySha256(doc, *sig));
  EXPECT_FALSE(cert_->VerifySha256(doc + " ", *sig));
  std::string bad = *sig;
  bad[10] ^= 1;
  EXPECT_FALSE(cert_->VerifySha256(doc, bad));

  // Independently of Certificate: EVP_DigestVerify with the key read from the public PEM.
  std::string pub = cert_->PublicKeyPem().value();
  BIO* bio = BIO_new_mem_buf(pub.data(), static_cast<int>(pub.size()));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(pkey, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(doc.data()), doc.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
}

TEST_F(X509Test, AttachedPkcs7CarriesTheContentAndVerifies) {
  const std::string doc = "{\n  \"marketplaceProductCodes\" : [ \"abc\" ]\n}";
  auto der = SignPkcs7(*key_, *cert_, doc);
  ASSERT_TRUE(der.ok()) << der.status().ToString();

  auto content = VerifyPkcs7(*der, *cert_);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(*content, doc);
  // Given the document separately, the signature is checked over it instead.
  EXPECT_TRUE(VerifyPkcs7(*der, *cert_, doc).ok());
  auto tampered = VerifyPkcs7(*der, *cert_, std::string_view(doc).substr(1));
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.status().code(), ErrorCode::kInvalidSignature);

  // The structure: signedData, SHA-256, the content inside, no certificates (as EC2's).
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  PKCS7* p7 = d2i_PKCS7(nullptr, &p, static_cast<long>(der->size()));
  ASSERT_NE(p7, nullptr);
  EXPECT_TRUE(PKCS7_type_is_signed(p7));
  EXPECT_EQ(PKCS7_get_detached(p7), 0);
  EXPECT_EQ(p7->d.sign->cert, nullptr);
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7);
  ASSERT_EQ(sk_PKCS7_SIGNER_INFO_num(infos), 1);
  X509_ALGOR* digest = nullptr;
  PKCS7_SIGNER_INFO_get0_algs(sk_PKCS7_SIGNER_INFO_value(infos, 0), nullptr, &digest, nullptr);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, digest);
  EXPECT_EQ(OBJ_obj2nid(oid), NID_sha256);
  EXPECT_EQ(PKCS7_get_signed_attribute(sk_PKCS7_SIGNER_INFO_value(infos, 0), NID_SMIMECapabilities),
            nullptr);
  PKCS7_free(p7);
}

TEST_F(X509Test, DetachedPkcs7NeedsTheContent) {
  const std::string doc = "document";
  auto der = SignPkcs7(*key_, *cert_, doc, {.detached = true, .include_certificate = true});
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(der->find(doc), std::string::npos);
  EXPECT_FALSE(VerifyPkcs7(*der, *cert_).ok());
  auto content = VerifyPkcs7(*der, *cert_, doc);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(*content, doc);
  EXPECT_FALSE(VerifyPkcs7(*der, *cert_, "documenT").ok());
}

TEST_F(X509Test, Pkcs7FromAnotherKeyDoesNotVerifyEvenWithItsCertificateInside) {
  auto other_key = PrivateKey::GenerateRsa(2048);
  ASSERT_TRUE(other_key.ok());
  auto other_cert = Certificate::SelfSigned(*other_key, "amiplace marketplace identity", 30);
  ASSERT_TRUE(other_cert.ok());
  auto der = SignPkcs7(*other_key, *other_cert, "doc", {.include_certificate = true});
  ASSERT_TRUE(der.ok());
  EXPECT_TRUE(VerifyPkcs7(*der, *other_cert).ok());
  auto r = VerifyPkcs7(*der, *cert_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidSignature);
}

TEST(X509Base64Test, WrapsAt76ColumnsWithoutTrailingNewline) {
  std::string bytes = crypto::RandomBytes(300);  // 400 base64 characters
  std::string wrapped = WrappedBase64(bytes);
  EXPECT_NE(wrapped.back(), '\n');
  size_t start = 0, lines = 0;
  while (start < wrapped.size()) {
    size_t nl = wrapped.find('\n', start);
    size_t len = (nl == std::string::npos ? wrapped.size() : nl) - start;
    if (nl != std::string::npos) {
      EXPECT_EQ(len, 76u);
    }
    ++lines;
    start = nl == std::string::npos ? wrapped.size() : nl + 1;
  }
  EXPECT_EQ(lines, 6u);  // 5 × 76 + 20
  EXPECT_EQ(crypto::Base64Decode(wrapped).value(), bytes);
  EXPECT_EQ(WrappedBase64("ab", 76), "YWI=");
  EXPECT_EQ(WrappedBase64(bytes, 0), crypto::Base64(bytes));
}

}  // namespace
}  // namespace amiplace::x509
