// SqliteStore: the marketplace's identity key pair, kept in the meta table.
//
// Two rows: `identity_cert` holds the certificate PEM as is (it is public);
// `identity_key_sealed` holds the private key PEM sealed with AES-256-GCM under DIR/secret.key
// (crypto::Seal), base64-encoded because meta values are TEXT. The database alone therefore
// never reveals the key, just as it never reveals access-key secrets. Both rows are inserted in
// one savepoint of the single writer, and only when neither exists, so the first pair stored
// wins and is never overwritten, whichever server or thread generated it.
#include "core/crypto.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;

namespace {

constexpr char kIdentityKeyRow[] = "identity_key_sealed";
constexpr char kIdentityCertRow[] = "identity_cert";

constexpr char kGetIdentity[] =
    "SELECT key, value FROM meta WHERE key IN ('identity_key_sealed', 'identity_cert')";
constexpr char kInsertIdentityRow[] =
    "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING";

struct StoredRows {
  std::optional<std::string> sealed_key;  // base64 of the sealed PEM
  std::optional<std::string> cert_pem;
};

Result<StoredRows> ReadRows(Connection& c) {
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kGetIdentity));
  StoredRows rows;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    (s->TextView(0) == kIdentityKeyRow ? rows.sealed_key : rows.cert_pem) = s->Text(1);
  }
  return rows;
}

Result<std::optional<MetaStore::IdentityKey>> Unseal(const std::string& secret_key,
                                                     const StoredRows& rows) {
  if (!rows.sealed_key && !rows.cert_pem) return std::optional<MetaStore::IdentityKey>();
  if (!rows.sealed_key || !rows.cert_pem) {
    return InternalError("the store holds half of the marketplace identity key pair");
  }
  auto sealed = crypto::Base64Decode(*rows.sealed_key);
  if (!sealed) return InternalError("the stored marketplace identity key is not base64");
  auto pem = crypto::Open(secret_key, *sealed);
  if (!pem) return InternalError("the marketplace identity key cannot be unsealed with secret.key");
  return std::optional<MetaStore::IdentityKey>(MetaStore::IdentityKey{*pem, *rows.cert_pem});
}

}  // namespace

Result<std::optional<MetaStore::IdentityKey>> SqliteStore::GetIdentityKey() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(StoredRows rows, ReadRows(*c));
  return Unseal(secret_key_, rows);
}

Result<MetaStore::IdentityKey> SqliteStore::PutIdentityKey(std::string_view key_pem,
                                                           std::string_view cert_pem) {
  const std::string sealed = crypto::Base64(crypto::Seal(secret_key_, key_pem));
  StoredRows stored;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(stored, ReadRows(c));
    if (stored.sealed_key || stored.cert_pem) return Status::Ok();  // the first pair stays
    AMIPLACE_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertIdentityRow));
    ins->Bind(1, std::string_view(kIdentityKeyRow)).Bind(2, sealed);
    AMIPLACE_RETURN_IF_ERROR(ins->Run());
    ins.reset();
    AMIPLACE_ASSIGN_OR_RETURN(ins, c.Prepare(kInsertIdentityRow));
    ins->Bind(1, std::string_view(kIdentityCertRow)).Bind(2, cert_pem);
    AMIPLACE_RETURN_IF_ERROR(ins->Run());
    ins.reset();
    AMIPLACE_ASSIGN_OR_RETURN(stored, ReadRows(c));
    return Status::Ok();
  }));
  AMIPLACE_ASSIGN_OR_RETURN(auto pair, Unseal(secret_key_, stored));
  if (!pair) return InternalError("the marketplace identity key pair was not stored");
  return *std::move(pair);
}

}  // namespace amiplace
