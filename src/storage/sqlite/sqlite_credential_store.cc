// SqliteStore: instances' temporary credentials (migration 0006).
#include "core/crypto.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr char kPutCredential[] =
    "INSERT INTO instance_credentials (access_key_id, instance_id, sealed_secret, session_token, "
    "issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kFindCredential[] =
    "SELECT access_key_id, instance_id, sealed_secret, session_token, issued_at, expires_at "
    "FROM instance_credentials WHERE access_key_id = ?1";
constexpr char kLatestCredential[] =
    "SELECT access_key_id, instance_id, sealed_secret, session_token, issued_at, expires_at "
    "FROM instance_credentials WHERE instance_id = ?1 ORDER BY expires_at DESC LIMIT 1";

Result<InstanceCredential> ReadCredential(const Statement& s, const std::string& key) {
  InstanceCredential c;
  c.access_key_id = s.Text(0);
  c.instance_id = s.Text(1);
  auto secret = crypto::Open(key, s.TextView(2));
  if (!secret) return InternalError("an instance credential cannot be unsealed with secret.key");
  c.secret_access_key = *secret;
  c.session_token = s.Text(3);
  c.issued_at = FromEpochMillis(s.Int(4));
  c.expires_at = FromEpochMillis(s.Int(5));
  return c;
}

}  // namespace

Status SqliteStore::PutInstanceCredential(const InstanceCredential& credential) {
  std::string sealed = crypto::Seal(secret_key_, credential.secret_access_key);
  return Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kPutCredential));
    s->Bind(1, credential.access_key_id).Bind(2, credential.instance_id).BindBlob(3, sealed);
    s->Bind(4, credential.session_token).Bind(5, ToEpochMillis(credential.issued_at));
    s->Bind(6, ToEpochMillis(credential.expires_at));
    return s->Run();
  });
}

Result<std::optional<InstanceCredential>> SqliteStore::FindInstanceCredential(
    std::string_view access_key_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kFindCredential));
  s->Bind(1, access_key_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<InstanceCredential>();
  AMIPLACE_ASSIGN_OR_RETURN(InstanceCredential cred, ReadCredential(*s, secret_key_));
  return std::optional<InstanceCredential>(std::move(cred));
}

Result<std::optional<InstanceCredential>> SqliteStore::LatestInstanceCredential(
    std::string_view instance_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kLatestCredential));
  s->Bind(1, instance_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<InstanceCredential>();
  AMIPLACE_ASSIGN_OR_RETURN(InstanceCredential cred, ReadCredential(*s, secret_key_));
  return std::optional<InstanceCredential>(std::move(cred));
}

}  // namespace amiplace
