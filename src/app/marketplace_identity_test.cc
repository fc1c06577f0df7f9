#include "app/marketplace_identity.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/x509.h"

namespace amiplace {
namespace {

namespace fs = std::filesystem;

// The MetaStore port in memory, with the SQLite store's first-pair-wins rule.
class FakeMetaStore final : public MetaStore {
 public:
  Result<Millis> GetClockOffset() override { return Millis(0); }
  Status SetClockOffset(Millis) override { return Status::Ok(); }
  Result<std::string> GetServerKey() override { return std::string(32, 'k'); }

  Result<std::optional<IdentityKey>> GetIdentityKey() override {
    std::unique_lock lock(mu_);
    // Holding readers until `hold_readers_` have read makes them all see an empty store.
    ++readers_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return readers_ >= hold_readers_; });
    if (fail_reads_ > 0) {
      --fail_reads_;
      return InternalError("store unavailable");
    }
    return pair_;
  }
  Result<IdentityKey> PutIdentityKey(std::string_view key_pem, std::string_view cert_pem) override {
    std::lock_guard lock(mu_);
    ++puts_;
    if (!pair_) pair_ = IdentityKey{std::string(key_pem), std::string(cert_pem)};
    return *pair_;
  }

  int puts() {
    std::lock_guard lock(mu_);
    return puts_;
  }
  void FailReads(int n) {
    std::lock_guard lock(mu_);
    fail_reads_ = n;
  }
  void HoldReadsUntil(int readers) {
    std::lock_guard lock(mu_);
    hold_readers_ = readers;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<IdentityKey> pair_;
  int puts_ = 0;
  int fail_reads_ = 0;
  int readers_ = 0;
  int hold_readers_ = 0;
};

// An identity document as EC2 formats it.
constexpr std::string_view kDocument = R"({
  "accountId" : "123456789012",
  "architecture" : "x86_64",
  "availabilityZone" : "us-east-1a",
  "billingProducts" : null,
  "devpayProductCodes" : null,
  "marketplaceProductCodes" : [ "0vg0000000000000000000000" ],
  "imageId" : "ami-0123456789abcdef0",
  "instanceId" : "i-0123456789abcdef0",
  "instanceType" : "t3.micro",
  "kernelId" : null,
  "pendingTime" : "2024-02-25T20:23:14Z",
  "privateIp" : "127.0.0.2",
  "ramdiskId" : null,
  "region" : "us-east-1",
  "version" : "2017-09-30"
})";

std::string Pem(std::string_view label, std::string_view served_base64) {
  return "-----BEGIN " + std::string(label) + "-----\n" + std::string(served_base64) +
         "\n-----END " + std::string(label) + "-----\n";
}

TEST(IdentityTest, GeneratesOnceAndServesTheSamePair) {
  FakeMetaStore store;
  MarketplaceIdentity identity(store);
  auto pem = identity.CertificatePem();
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  EXPECT_TRUE(pem->starts_with("-----BEGIN CERTIFICATE-----\n"));
  EXPECT_EQ(identity.CertificatePem().value(), *pem);
  EXPECT_EQ(store.puts(), 1);

  auto cert = x509::Certificate::FromPem(*pem);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->CommonName(), "amiplace marketplace identity");
  EXPECT_EQ(cert->ValidityDays().value(), 3652);

  // A second server on the same store loads the pair instead of making one.
  MarketplaceIdentity again(store);
  EXPECT_EQ(again.CertificatePem().value(), *pem);
  EXPECT_EQ(store.puts(), 1);
}

TEST(IdentityTest, SignatureVerifiesWithTheCertificatesKey) {
  FakeMetaStore store;
  MarketplaceIdentity identity(store);
  auto signed_doc = identity.SignDocument(kDocument);
  ASSERT_TRUE(signed_doc.ok()) << signed_doc.status().ToString();
  auto cert = x509::Certificate::FromPem(identity.CertificatePem().value()).value();

  auto sig = crypto::Base64Decode(signed_doc->signature);
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), 256u);  // RSA-2048
  EXPECT_TRUE(cert.VerifySha256(kDocument, *sig));
  EXPECT_FALSE(cert.VerifySha256(std::string(kDocument) + "\n", *sig));
  // 344 base64 characters served as EC2 does: 4 lines of 76, then 40.
  EXPECT_EQ(signed_doc->signature.size(), 344u + 4);
  EXPECT_EQ(signed_doc->signature.find('\n'), 76u);
  EXPECT_NE(signed_doc->signature.back(), '\n');
}

TEST(IdentityTest, Pkcs7VerifiesWithOpenSslAgainstTheCertificate) {
  FakeMetaStore store;
  MarketplaceIdentity identity(store);
  auto signed_doc = identity.SignDocument(kDocument).value();
  auto cert = x509::Certificate::FromPem(identity.CertificatePem().value()).value();

  for (const std::string* served : {&signed_doc.pkcs7, &signed_doc.rsa2048}) {
    EXPECT_EQ(served->find("-----"), std::string::npos);  // no PEM armour
    auto der = crypto::Base64Decode(*served);
    ASSERT_TRUE(der);
    // PKCS7_verify with the content inside, and with the document given separately.
    auto content = x509::VerifyPkcs7(*der, cert);
    ASSERT_TRUE(content.ok()) << content.status().ToString();
    EXPECT_EQ(*content, kDocument);
    EXPECT_TRUE(x509::VerifyPkcs7(*der, cert, kDocument).ok());
    EXPECT_FALSE(x509::VerifyPkcs7(*der, cert, std::string(kDocument) + " ").ok());
  }
}

TEST(IdentityTest, ConcurrentFirstUsesMakeOnePair) {
  FakeMetaStore store;
  store.HoldReadsUntil(2);                 // both find the store empty and generate a pair
  MarketplaceIdentity a(store), b(store);  // as two servers would
  std::string pem_a, pem_b;
  std::thread ta([&] { pem_a = a.CertificatePem().value(); });
  std::thread tb([&] { pem_b = b.CertificatePem().value(); });
  ta.join();
  tb.join();
  EXPECT_EQ(store.puts(), 2);
  EXPECT_EQ(pem_a, pem_b);
  // Whichever lost the race signs with the winner's key.
  auto cert = x509::Certificate::FromPem(pem_a).value();
  auto sig = crypto::Base64Decode(b.SignDocument("x").value().signature).value();
  EXPECT_TRUE(cert.VerifySha256("x", sig));
}

TEST(IdentityTest, AFailedLoadIsRetried) {
  FakeMetaStore store;
  store.FailReads(1);
  MarketplaceIdentity identity(store);
  auto first = identity.CertificatePem();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), ErrorCode::kInternal);
  EXPECT_TRUE(identity.CertificatePem().ok());
}

TEST(IdentityTest, RefusesAStoredPairThatDoesNotMatch) {
  FakeMetaStore store;
  auto key1 = x509::PrivateKey::GenerateRsa(2048).value();
  auto key2 = x509::PrivateKey::GenerateRsa(2048).value();
  auto cert2 = x509::Certificate::SelfSigned(key2, "x", 1).value();
  (void)store.PutIdentityKey(key1.ToPem().value(), cert2.ToPem().value());
  MarketplaceIdentity identity(store);
  auto r = identity.SignDocument("doc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternal);
}

// ---- the openssl command line, as CONTRACT §6 and EC2's user guide run it ------------------

struct ShellRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

ShellRun Shell(const fs::path& dir, const std::string& command) {
  std::string full = "cd '" + dir.string() + "' && " + command + " 2>&1";
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class IdentityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Shell(fs::temp_directory_path(), "openssl version").exit_code != 0) {
      GTEST_SKIP() << "no openssl command";
    }
    dir_ = fs::temp_directory_path() / ("amiplace-identity-" + ids::RandomLowerAlnum(8));
    fs::create_directories(dir_);
    signed_ = identity_.SignDocument(kDocument).value();
    WriteFile(dir_ / "document", kDocument);
    WriteFile(dir_ / "cert.pem", identity_.CertificatePem().value());
    WriteFile(dir_ / "doc.p7", Pem("PKCS7", signed_.pkcs7));
    WriteFile(dir_ / "rsa2048", Pem("PKCS7", signed_.rsa2048));
    WriteFile(dir_ / "signature", signed_.signature);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  FakeMetaStore store_;
  MarketplaceIdentity identity_{store_};
  IdentitySignatures signed_;
  fs::path dir_;
};

TEST_F(IdentityCliTest, SmimeVerifiesPkcs7AndRsa2048) {
  // CONTRACT §6, word for word (plus -out so the document is not echoed).
  for (const char* file : {"doc.p7", "rsa2048"}) {
    ShellRun r = Shell(dir_, std::string("openssl smime -verify -inform PEM -in ") + file +
                            " -content document -certfile cert.pem -noverify -out /dev/null");
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.output;
    EXPECT_NE(r.output.find("Verification successful"), std::string::npos) << r.output;
  }
}

TEST_F(IdentityCliTest, SmimeWithoutContentPrintsTheDocument) {
  // EC2's newer instructions: no -content; the document comes out of the PKCS#7.
  ShellRun r = Shell(dir_,
                "openssl smime -verify -in doc.p7 -inform PEM -certfile cert.pem -noverify "
                "-out extracted");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream f(dir_ / "extracted", std::ios::binary);
  std::string extracted((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(extracted, kDocument);
}

TEST_F(IdentityCliTest, SmimeVerifiesWithTheCertificateAsTrustAnchor) {
  // Without -noverify: the self-signed certificate is its own root.
  ShellRun r = Shell(dir_,
                "openssl smime -verify -inform PEM -in doc.p7 -content document -certfile cert.pem "
                "-CAfile cert.pem -out /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verification successful"), std::string::npos) << r.output;
}

TEST_F(IdentityCliTest, SmimeRejectsATamperedDocument) {
  std::string tampered(kDocument);
  tampered.replace(tampered.find("0vg0"), 4, "1vg0");
  WriteFile(dir_ / "document", tampered);
  ShellRun r = Shell(dir_,
                "openssl smime -verify -inform PEM -in doc.p7 -content document -certfile cert.pem "
                "-noverify -out /dev/null");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Verification successful"), std::string::npos) << r.output;
}

TEST_F(IdentityCliTest, SmimeNointernRejectsAForgerWhoShipsHisOwnCertificate) {
  auto key = x509::PrivateKey::GenerateRsa(2048).value();
  auto cert = x509::Certificate::SelfSigned(key, MarketplaceIdentity::kCommonName, 30).value();
  auto der = x509::SignPkcs7(key, cert, kDocument, {.include_certificate = true}).value();
  WriteFile(dir_ / "forged.p7", Pem("PKCS7", x509::WrappedBase64(der)));
  ShellRun r = Shell(dir_,
                "openssl smime -verify -inform PEM -in forged.p7 -content document "
                "-certfile cert.pem -noverify -nointern -out /dev/null");
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = Shell(dir_,
            "openssl smime -verify -inform PEM -in doc.p7 -content document "
            "-certfile cert.pem -noverify -nointern -out /dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(IdentityCliTest, DgstVerifiesTheSignature) {
  // EC2's instructions: base64 -d the served signature, the public key out of the certificate.
  ASSERT_EQ(Shell(dir_, "base64 -d < signature > sig.bin").exit_code, 0);
  ASSERT_EQ(Shell(dir_, "openssl x509 -pubkey -noout -in cert.pem > pubkey.pem").exit_code, 0);
  ShellRun r = Shell(dir_, "openssl dgst -sha256 -verify pubkey.pem -signature sig.bin document");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verified OK"), std::string::npos) << r.output;

  WriteFile(dir_ / "document", std::string(kDocument) + " ");
  r = Shell(dir_, "openssl dgst -sha256 -verify pubkey.pem -signature sig.bin document");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verification failure"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace amiplace
