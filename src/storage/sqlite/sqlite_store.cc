#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "core/json_util.h"
#include "core/resources.h"
#include "storage/sqlite/image_rows.h"

namespace amiplace {

namespace fs = std::filesystem;
using sqlite::Connection;
using sqlite::Statement;

namespace {

// Migrations, applied in order; each runs once, in its own transaction.
constexpr std::pair<int, std::string_view> kMigrations[] = {
    {1, "0001_initial.sql"},
    {2, "0002_images.sql"},
    {3, "0003_reviews.sql"},
    {4, "0004_subscriptions.sql"},
    {5, "0005_instances.sql"},
    {6, "0006_instance_credentials.sql"},
    {7, "0007_metering.sql"},
    {8, "0008_instance_state_log.sql"},
    {9, "0009_offer_revisions.sql"},
};

constexpr char kInsertOfferRevision[] =
    "INSERT OR IGNORE INTO offer_revisions (offer_id, revision, valid_from, details) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kListOfferRevisions[] =
    "SELECT revision, valid_from, details FROM offer_revisions WHERE offer_id = ?1 "
    "ORDER BY revision";

constexpr char kGetAccount[] =
    "SELECT account_id, name, type, created_at FROM accounts WHERE account_id = ?1";
constexpr char kListAccounts[] =
    "SELECT account_id, name, type, created_at FROM accounts ORDER BY created_at, account_id";
constexpr char kInsertAccount[] =
    "INSERT INTO accounts (account_id, name, type, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr char kInsertKey[] =
    "INSERT INTO access_keys (access_key_id, account_id, sealed_secret, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kFindKey[] =
    "SELECT account_id, sealed_secret FROM access_keys WHERE access_key_id = ?1";
constexpr char kAnyAccount[] = "SELECT 1 FROM accounts LIMIT 1";

constexpr char kGetEntity[] =
    "SELECT id, type, owner_account_id, revision, created_at, last_modified, details "
    "FROM entities WHERE id = ?1";
constexpr char kListEntitiesByOwner[] =
    "SELECT id, type, owner_account_id, revision, created_at, last_modified, details "
    "FROM entities WHERE type = ?1 AND owner_account_id = ?2";
constexpr char kListEntitiesAll[] =
    "SELECT id, type, owner_account_id, revision, created_at, last_modified, details "
    "FROM entities WHERE type = ?1";
constexpr char kUpsertEntity[] =
    "INSERT INTO entities (id, type, owner_account_id, revision, created_at, last_modified, name,"
    " visibility, state, product_id, product_code, details) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, last_modified = "
    "excluded.last_modified, name = excluded.name, visibility = excluded.visibility, state = "
    "excluded.state, product_id = excluded.product_id, product_code = excluded.product_code, "
    "details = excluded.details";
constexpr char kGetPolicy[] = "SELECT resource_policy FROM entities WHERE id = ?1";
constexpr char kPutPolicy[] = "UPDATE entities SET resource_policy = ?2 WHERE id = ?1";

constexpr char kGetChangeSet[] =
    "SELECT id, owner_account_id, name, intent, status, failure_code, failure_description, "
    "start_time, end_time, ready_at, client_token, request_hash, changes, entity_ids, tags, "
    "review, review_reason "
    "FROM change_sets WHERE id = ?1";
constexpr char kListChangeSets[] =
    "SELECT id, owner_account_id, name, intent, status, failure_code, failure_description, "
    "start_time, end_time, ready_at, client_token, request_hash, changes, entity_ids, tags, "
    "review, review_reason "
    "FROM change_sets WHERE owner_account_id = ?1";
constexpr char kInsertChangeSet[] =
    "INSERT INTO change_sets (id, owner_account_id, name, intent, status, failure_code, "
    "failure_description, start_time, end_time, ready_at, client_token, request_hash, changes, "
    "entity_ids, tags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr char kFindToken[] =
    "SELECT id, request_hash FROM change_sets WHERE owner_account_id = ?1 AND client_token = ?2";
constexpr char kCountOpen[] =
    "SELECT count(*) FROM change_sets WHERE owner_account_id = ?1 AND status IN ('PREPARING', "
    "'APPLYING')";
constexpr char kFindLock[] = "SELECT change_set_id FROM entity_locks WHERE entity_id = ?1";
constexpr char kInsertLock[] = "INSERT INTO entity_locks (entity_id, change_set_id) VALUES (?1, ?2)";
constexpr char kReleaseLocks[] = "DELETE FROM entity_locks WHERE change_set_id = ?1";
constexpr char kCancel[] =
    "UPDATE change_sets SET status = 'CANCELLED', end_time = ?2 WHERE id = ?1 AND (status = "
    "'PREPARING' OR (status = 'APPLYING' AND review = 'PENDING'))";
constexpr char kReady[] =
    "SELECT id, owner_account_id, name, intent, status, failure_code, failure_description, "
    "start_time, end_time, ready_at, client_token, request_hash, changes, entity_ids, tags, "
    "review, review_reason "
    "FROM change_sets WHERE (status = 'PREPARING' AND ready_at <= ?1) "
    "OR (status = 'APPLYING' AND review = 'APPROVED') "
    "OR (?3 AND status = 'APPLYING' AND review IN ('', 'REJECTED')) "
    "ORDER BY start_time, rowid LIMIT ?2";
constexpr char kSetStatus[] = "UPDATE change_sets SET status = ?2 WHERE id = ?1";
constexpr char kNextReady[] =
    "SELECT min(ready_at) FROM change_sets WHERE status = 'PREPARING'";
constexpr char kAwaitReview[] =
    "UPDATE change_sets SET review = 'PENDING', changes = ?2 WHERE id = ?1 AND status = "
    "'APPLYING'";
constexpr char kDecideReview[] =
    "UPDATE change_sets SET review = ?2, review_reason = ?3 WHERE id = ?1 AND status = "
    "'APPLYING' AND review = 'PENDING'";
constexpr char kPendingReviews[] =
    "SELECT id, owner_account_id, name, intent, status, failure_code, failure_description, "
    "start_time, end_time, ready_at, client_token, request_hash, changes, entity_ids, tags, "
    "review, review_reason FROM change_sets WHERE review = 'PENDING' AND status = 'APPLYING' "
    "ORDER BY start_time, rowid";
constexpr char kFinish[] =
    "UPDATE change_sets SET status = ?2, failure_code = ?3, failure_description = ?4, "
    "end_time = ?5, changes = ?6, entity_ids = ?7 WHERE id = ?1 AND status = 'APPLYING'";
constexpr char kListTags[] = "SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY key";
constexpr char kCountTags[] = "SELECT count(*) FROM tags WHERE resource_arn = ?1";
constexpr char kPutTag[] =
    "INSERT INTO tags (resource_arn, key, value) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value";
constexpr char kDeleteTag[] = "DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2";
constexpr char kGetMeta[] = "SELECT value FROM meta WHERE key = ?1";
constexpr char kPutMeta[] =
    "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
    "excluded.value";

std::atomic<uint64_t> g_next_instance{1};

Result<std::string> LoadOrCreateKey(const fs::path& path, bool create) {
  if (fs::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != 32) return InternalError(fmt::format("{} is not a 32-byte key", path.string()));
    return key;
  }
  if (!create) return InternalError(fmt::format("{} is missing; secrets cannot be read", path.string()));
  std::string key = crypto::RandomBytes(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return InternalError(fmt::format("cannot create {}", path.string()));
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return InternalError(fmt::format("cannot write {}", path.string()));
  return key;
}

Account ReadAccount(const Statement& s) {
  Account a;
  a.account_id = s.Text(0);
  a.name = s.Text(1);
  a.type = ParseAccountType(s.TextView(2)).value_or(AccountType::kBuyer);
  a.created_at = FromEpochMillis(s.Int(3));
  return a;
}

Result<Entity> ReadEntity(const Statement& s) {
  Entity e;
  e.id = s.Text(0);
  e.type = s.Text(1);
  e.owner_account_id = s.Text(2);
  e.revision = s.Int(3);
  e.created_at = FromEpochMillis(s.Int(4));
  e.last_modified = FromEpochMillis(s.Int(5));
  AMIPLACE_ASSIGN_OR_RETURN(auto doc, json::Parse(s.TextView(6), "stored entity"));
  if (!doc.is_object()) return InternalError("stored entity is not an object");
  e.details = std::move(doc.get_object());
  return e;
}

Result<ChangeSet> ReadChangeSet(const Statement& s) {
  ChangeSet cs;
  cs.id = s.Text(0);
  cs.owner_account_id = s.Text(1);
  cs.name = s.Text(2);
  cs.intent = ParseIntent(s.TextView(3)).value_or(Intent::kApply);
  cs.status = ParseChangeSetStatus(s.TextView(4)).value_or(ChangeSetStatus::kFailed);
  std::string_view fc = s.TextView(5);
  cs.failure_code = fc == "CLIENT_ERROR"   ? FailureCode::kClientError
                    : fc == "SERVER_FAULT" ? FailureCode::kServerFault
                                           : FailureCode::kNone;
  cs.failure_description = s.Text(6);
  cs.start_time = FromEpochMillis(s.Int(7));
  if (!s.IsNull(8)) cs.end_time = FromEpochMillis(s.Int(8));
  cs.ready_at = FromEpochMillis(s.Int(9));
  cs.client_token = s.Text(10);
  cs.request_hash = s.Text(11);
  AMIPLACE_ASSIGN_OR_RETURN(auto changes, json::Parse(s.TextView(12), "stored changes"));
  AMIPLACE_ASSIGN_OR_RETURN(cs.changes, ChangesFromJson(changes));
  AMIPLACE_ASSIGN_OR_RETURN(auto ids, json::Parse(s.TextView(13), "stored entity ids"));
  for (const auto& id : ids.as_array()) cs.entity_ids.emplace_back(id.as_string());
  AMIPLACE_ASSIGN_OR_RETURN(auto tags, json::Parse(s.TextView(14), "stored tags"));
  cs.tags = tags.as_array();
  cs.review = ParseReviewState(s.TextView(15));
  cs.review_reason = s.Text(16);
  return cs;
}

std::string EntityIdsJson(const std::vector<std::string>& ids) {
  boost::json::array a;
  for (const auto& id : ids) a.emplace_back(id);
  return boost::json::serialize(a);
}

Status UpsertEntity(Connection& c, const Entity& e) {
  EntityIndex idx = IndexOf(e);
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kUpsertEntity));
  s->Bind(1, e.id).Bind(2, e.type).Bind(3, e.owner_account_id).Bind(4, e.revision);
  s->Bind(5, ToEpochMillis(e.created_at)).Bind(6, ToEpochMillis(e.last_modified));
  s->Bind(7, idx.name).Bind(8, idx.visibility).Bind(9, idx.state).Bind(10, idx.product_id);
  const std::string details = boost::json::serialize(e.details);
  s->Bind(11, idx.product_code).Bind(12, details);
  AMIPLACE_RETURN_IF_ERROR(s->Run());
  if (e.type != kOfferType) return Status::Ok();
  // The offer's history: bills price usage at the revision in force when it happened.
  AMIPLACE_ASSIGN_OR_RETURN(auto r, c.Prepare(kInsertOfferRevision));
  r->Bind(1, e.id).Bind(2, e.revision).Bind(3, ToEpochMillis(e.last_modified)).Bind(4, details);
  return r->Run();
}

}  // namespace

SqliteStore::SqliteStore(std::string db_path, std::string secret_key)
    : db_path_(std::move(db_path)),
      secret_key_(std::move(secret_key)),
      instance_id_(g_next_instance.fetch_add(1)) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& data_dir, bool* created) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return InternalError(fmt::format("cannot create data directory {}: {}", data_dir, ec.message()));
  fs::path db = fs::path(data_dir) / "amiplace.db";
  bool is_new = !fs::exists(db);
  if (created) *created = is_new;
  AMIPLACE_ASSIGN_OR_RETURN(std::string key, LoadOrCreateKey(fs::path(data_dir) / "secret.key", is_new));
  std::unique_ptr<SqliteStore> store(new SqliteStore(db.string(), std::move(key)));
  AMIPLACE_ASSIGN_OR_RETURN(store->writer_conn_, Connection::Open(store->db_path_, true));
  AMIPLACE_RETURN_IF_ERROR(store->Migrate(*store->writer_conn_));
  store->writer_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return store;
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

Status SqliteStore::Migrate(Connection& c) {
  AMIPLACE_RETURN_IF_ERROR(c.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at INTEGER NOT NULL)"));
  for (const auto& [version, name] : kMigrations) {
    AMIPLACE_ASSIGN_OR_RETURN(auto check, c.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?1"));
    check->Bind(1, static_cast<int64_t>(version));
    AMIPLACE_ASSIGN_OR_RETURN(bool applied, check->Step());
    check.reset();
    if (applied) continue;
    std::string_view sql = resources::Find(name);
    if (sql.empty()) return InternalError(fmt::format("migration {} is not embedded", name));
    AMIPLACE_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
    Status st = c.Exec(sql);
    if (st.ok()) {
      auto ins = c.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
      if (!ins.ok()) {
        st = ins.status();
      } else {
        (*ins)->Bind(1, static_cast<int64_t>(version)).Bind(2, name).Bind(3, ToEpochMillis(std::chrono::system_clock::now()));
        st = (*ins)->Run();
      }
    }
    if (!st.ok()) {
      (void)c.Exec("ROLLBACK");
      return InternalError(fmt::format("migration {} failed: {}", name, st.message()));
    }
    AMIPLACE_RETURN_IF_ERROR(c.Exec("COMMIT"));
    spdlog::info("store: applied migration {}", name);
  }
  // A fresh store gets its server key (pagination tokens) in the same way as any write.
  AMIPLACE_ASSIGN_OR_RETURN(auto get, c.Prepare(kGetMeta));
  get->Bind(1, std::string_view("server_key"));
  AMIPLACE_ASSIGN_OR_RETURN(bool has, get->Step());
  get.reset();
  if (!has) {
    AMIPLACE_ASSIGN_OR_RETURN(auto put, c.Prepare(kPutMeta));
    put->Bind(1, std::string_view("server_key")).Bind(2, crypto::Hex(crypto::RandomBytes(32)));
    AMIPLACE_RETURN_IF_ERROR(put->Run());
  }
  return Status::Ok();
}

int SqliteStore::LatestSchemaVersion() { return std::end(kMigrations)[-1].first; }

Result<int> SqliteStore::SchemaVersion() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare("SELECT max(version) FROM schema_migrations"));
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? static_cast<int>(s->Int(0)) : 0;
}

Result<Connection*> SqliteStore::Reader() {
  thread_local std::unordered_map<uint64_t, std::unique_ptr<Connection>> readers;
  auto it = readers.find(instance_id_);
  if (it == readers.end()) {
    AMIPLACE_ASSIGN_OR_RETURN(auto conn, Connection::Open(db_path_, false));
    it = readers.emplace(instance_id_, std::move(conn)).first;
  }
  return it->second.get();
}

Status SqliteStore::Write(WriteFn fn) {
  std::future<Status> f;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return InternalError("store is closing");
    queue_.push_back(PendingWrite{std::move(fn), {}});
    f = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return f.get();
}

void SqliteStore::WriterLoop() {
  Connection& c = *writer_conn_;
  while (true) {
    std::deque<PendingWrite> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      size_t n = std::min<size_t>(queue_.size(), 512);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results(batch.size());
    Status begin = c.Exec("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      for (auto& w : batch) w.done.set_value(begin);
      continue;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      Status sp = c.Exec("SAVEPOINT w");
      if (!sp.ok()) {
        results[i] = sp;
        continue;
      }
      try {
        results[i] = batch[i].fn(c);
      } catch (const std::exception& e) {
        results[i] = InternalError(fmt::format("store write failed: {}", e.what()));
      }
      if (!results[i].ok()) (void)c.Exec("ROLLBACK TO w");
      (void)c.Exec("RELEASE w");
    }
    Status commit = c.Exec("COMMIT");
    if (!commit.ok()) {
      (void)c.Exec("ROLLBACK");
      for (auto& r : results) r = commit;
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(results[i]);
  }
}

// ---- accounts -------------------------------------------------------------------------------

Status SqliteStore::CreateAccount(const Account& account, const Credential& credential) {
  std::string sealed = crypto::Seal(secret_key_, credential.secret_access_key);
  return Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertAccount));
    s->Bind(1, account.account_id).Bind(2, account.name).Bind(3, AccountTypeName(account.type));
    s->Bind(4, ToEpochMillis(account.created_at));
    AMIPLACE_RETURN_IF_ERROR(s->Run());
    AMIPLACE_ASSIGN_OR_RETURN(auto k, c.Prepare(kInsertKey));
    k->Bind(1, credential.access_key_id).Bind(2, account.account_id).BindBlob(3, sealed);
    k->Bind(4, ToEpochMillis(account.created_at));
    return k->Run();
  });
}

Result<std::optional<Account>> SqliteStore::GetAccount(std::string_view account_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetAccount));
  s->Bind(1, account_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<Account>();
  return std::optional<Account>(ReadAccount(*s));
}

Result<std::vector<Account>> SqliteStore::ListAccounts() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListAccounts));
  return sqlite::CollectRows<Account>(*s, ReadAccount);
}

Result<std::optional<Credential>> SqliteStore::FindCredential(std::string_view access_key_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kFindKey));
  s->Bind(1, access_key_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<Credential>();
  auto secret = crypto::Open(secret_key_, s->TextView(1));
  if (!secret) return InternalError("an access key's secret cannot be unsealed with secret.key");
  return std::optional<Credential>(Credential{std::string(access_key_id), s->Text(0), *secret});
}

Result<bool> SqliteStore::HasAnyAccount() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kAnyAccount));
  return s->Step();
}

// ---- entities -------------------------------------------------------------------------------

Result<std::optional<Entity>> SqliteStore::GetEntity(std::string_view id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetEntity));
  s->Bind(1, id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<Entity>();
  AMIPLACE_ASSIGN_OR_RETURN(Entity e, ReadEntity(*s));
  return std::optional<Entity>(std::move(e));
}

Result<std::vector<CatalogStore::OfferRevision>> SqliteStore::ListOfferRevisions(
    std::string_view offer_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListOfferRevisions));
  s->Bind(1, offer_id);
  return sqlite::CollectRows<OfferRevision>(*s, [](const Statement& row) -> Result<OfferRevision> {
    AMIPLACE_ASSIGN_OR_RETURN(boost::json::value details,
                              json::Parse(row.Text(2), "offer_revisions.details"));
    if (!details.is_object()) return InternalError("an offer revision is not a JSON object");
    return OfferRevision{row.Int(0), FromEpochMillis(row.Int(1)), std::move(details.get_object())};
  });
}

Result<std::vector<Entity>> SqliteStore::ListEntities(std::string_view type,
                                                      std::optional<std::string_view> owner) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(owner ? kListEntitiesByOwner : kListEntitiesAll));
  s->Bind(1, type);
  if (owner) s->Bind(2, *owner);
  return sqlite::CollectRows<Entity>(*s, ReadEntity);
}

Result<std::string> SqliteStore::GetResourcePolicy(std::string_view entity_id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetPolicy));
  s->Bind(1, entity_id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status SqliteStore::PutResourcePolicy(std::string_view entity_id, std::string_view policy) {
  return Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kPutPolicy));
    s->Bind(1, entity_id).Bind(2, policy);
    return s->Run();
  });
}

// ---- change sets ----------------------------------------------------------------------------

Result<InsertConflict> SqliteStore::InsertChangeSet(const ChangeSet& cs,
                                                    const std::vector<std::string>& lock_entity_ids,
                                                    int max_open) {
  InsertConflict conflict;
  std::string changes = boost::json::serialize(ChangesToJson(cs.changes));
  std::string entity_ids = EntityIdsJson(cs.entity_ids);
  std::string tags = boost::json::serialize(cs.tags);
  Status st = Write([&](Connection& c) -> Status {
    conflict = InsertConflict{};
    if (!cs.client_token.empty()) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kFindToken));
      s->Bind(1, cs.owner_account_id).Bind(2, cs.client_token);
      AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row) {
        conflict.kind = InsertConflict::Kind::kTokenReused;
        conflict.change_set_id = s->Text(0);
        conflict.request_hash = s->Text(1);
        return Status::Ok();
      }
    }
    for (const auto& id : lock_entity_ids) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kFindLock));
      s->Bind(1, id);
      AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row) {
        conflict.kind = InsertConflict::Kind::kLocked;
        conflict.entity_id = id;
        conflict.change_set_id = s->Text(0);
        return Status::Ok();
      }
    }
    {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kCountOpen));
      s->Bind(1, cs.owner_account_id);
      AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row && s->Int(0) >= max_open) {
        conflict.kind = InsertConflict::Kind::kQuotaExceeded;
        return Status::Ok();
      }
    }
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertChangeSet));
    s->Bind(1, cs.id).Bind(2, cs.owner_account_id).Bind(3, cs.name).Bind(4, IntentName(cs.intent));
    s->Bind(5, ChangeSetStatusName(cs.status)).Bind(6, FailureCodeName(cs.failure_code));
    s->Bind(7, cs.failure_description).Bind(8, ToEpochMillis(cs.start_time));
    if (cs.end_time) s->Bind(9, ToEpochMillis(*cs.end_time)); else s->BindNull(9);
    s->Bind(10, ToEpochMillis(cs.ready_at)).Bind(11, cs.client_token).Bind(12, cs.request_hash);
    s->Bind(13, changes).Bind(14, entity_ids).Bind(15, tags);
    AMIPLACE_RETURN_IF_ERROR(s->Run());
    for (const auto& id : lock_entity_ids) {
      AMIPLACE_ASSIGN_OR_RETURN(auto l, c.Prepare(kInsertLock));
      l->Bind(1, id).Bind(2, cs.id);
      AMIPLACE_RETURN_IF_ERROR(l->Run());
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return conflict;
}

Result<std::optional<ChangeSet>> SqliteStore::GetChangeSet(std::string_view id) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetChangeSet));
  s->Bind(1, id);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<ChangeSet>();
  AMIPLACE_ASSIGN_OR_RETURN(ChangeSet cs, ReadChangeSet(*s));
  return std::optional<ChangeSet>(std::move(cs));
}

Result<std::vector<ChangeSet>> SqliteStore::ListChangeSets(std::string_view owner) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListChangeSets));
  s->Bind(1, owner);
  return sqlite::CollectRows<ChangeSet>(*s, ReadChangeSet);
}

Result<bool> SqliteStore::CancelChangeSet(std::string_view id, TimePoint end_time) {
  bool cancelled = false;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kCancel));
    s->Bind(1, id).Bind(2, ToEpochMillis(end_time));
    AMIPLACE_RETURN_IF_ERROR(s->Run());
    cancelled = c.Changes() == 1;
    if (!cancelled) return Status::Ok();
    AMIPLACE_ASSIGN_OR_RETURN(auto r, c.Prepare(kReleaseLocks));
    r->Bind(1, id);
    return r->Run();
  }));
  return cancelled;
}

Result<std::vector<ChangeSet>> SqliteStore::ClaimReady(TimePoint now, int limit,
                                                       bool include_applying) {
  std::vector<ChangeSet> out;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    out.clear();
    {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kReady));
      s->Bind(1, ToEpochMillis(now)).Bind(2, static_cast<int64_t>(limit));
      s->Bind(3, static_cast<int64_t>(include_applying ? 1 : 0));
      AMIPLACE_ASSIGN_OR_RETURN(out, sqlite::CollectRows<ChangeSet>(*s, ReadChangeSet));
    }
    for (auto& cs : out) {
      if (cs.status != ChangeSetStatus::kPreparing) continue;
      AMIPLACE_ASSIGN_OR_RETURN(auto u, c.Prepare(kSetStatus));
      u->Bind(1, cs.id).Bind(2, ChangeSetStatusName(ChangeSetStatus::kApplying));
      AMIPLACE_RETURN_IF_ERROR(u->Run());
      cs.status = ChangeSetStatus::kApplying;
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<TimePoint>> SqliteStore::NextReadyAt() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kNextReady));
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row || s->IsNull(0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(FromEpochMillis(s->Int(0)));
}

Status SqliteStore::FinishChangeSets(const std::vector<FinishedChangeSet>& finished) {
  return Write([&](Connection& c) -> Status {
    for (const auto& f : finished) {
      const ChangeSet& cs = f.change_set;
      if (cs.status == ChangeSetStatus::kApplying) {
        // Not finished: it now waits for the operators' review, its locks held.
        AMIPLACE_ASSIGN_OR_RETURN(auto w, c.Prepare(kAwaitReview));
        w->Bind(1, cs.id).Bind(2, boost::json::serialize(ChangesToJson(cs.changes)));
        AMIPLACE_RETURN_IF_ERROR(w->Run());
        continue;
      }
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kFinish));
      s->Bind(1, cs.id).Bind(2, ChangeSetStatusName(cs.status)).Bind(3, FailureCodeName(cs.failure_code));
      s->Bind(4, cs.failure_description);
      if (cs.end_time) s->Bind(5, ToEpochMillis(*cs.end_time)); else s->BindNull(5);
      s->Bind(6, boost::json::serialize(ChangesToJson(cs.changes))).Bind(7, EntityIdsJson(cs.entity_ids));
      AMIPLACE_RETURN_IF_ERROR(s->Run());
      if (c.Changes() != 1) continue;  // already finished: never apply twice
      for (const auto& e : f.changed_entities) AMIPLACE_RETURN_IF_ERROR(UpsertEntity(c, e));
      for (const auto& image : f.new_images) {
        ImageStore::PutOutcome put;
        AMIPLACE_RETURN_IF_ERROR(sqlite::WriteImage(c, image, &put));
        if (!put.written) {
          return InternalError(fmt::format("marketplace image {} collides with {}", image.image_id,
                                           put.name_taken_by));
        }
      }
      AMIPLACE_ASSIGN_OR_RETURN(auto r, c.Prepare(kReleaseLocks));
      r->Bind(1, cs.id);
      AMIPLACE_RETURN_IF_ERROR(r->Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<ChangeSet>> SqliteStore::ListPendingReviews() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kPendingReviews));
  return sqlite::CollectRows<ChangeSet>(*s, ReadChangeSet);
}

Result<bool> SqliteStore::DecideReview(std::string_view id, ReviewState decision,
                                       std::string_view reason) {
  bool decided = false;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kDecideReview));
    s->Bind(1, id).Bind(2, ReviewStateName(decision)).Bind(3, reason);
    AMIPLACE_RETURN_IF_ERROR(s->Run());
    decided = c.Changes() == 1;
    return Status::Ok();
  }));
  return decided;
}

// ---- tags -----------------------------------------------------------------------------------

Result<std::vector<ResourceTag>> SqliteStore::ListTags(std::string_view resource_arn) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListTags));
  s->Bind(1, resource_arn);
  std::vector<ResourceTag> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({s->Text(0), s->Text(1)});
  }
  return out;
}

Status SqliteStore::PutTags(std::string_view resource_arn, const std::vector<ResourceTag>& tags,
                            size_t max_tags) {
  return Write([&](Connection& c) -> Status {
    for (const auto& t : tags) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kPutTag));
      s->Bind(1, resource_arn).Bind(2, t.key).Bind(3, t.value);
      AMIPLACE_RETURN_IF_ERROR(s->Run());
    }
    AMIPLACE_ASSIGN_OR_RETURN(auto n, c.Prepare(kCountTags));
    n->Bind(1, resource_arn);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, n->Step());
    if (row && static_cast<size_t>(n->Int(0)) > max_tags) {
      return ValidationError(fmt::format("Tags: a resource can have at most {} tags", max_tags));
    }
    return Status::Ok();
  });
}

Status SqliteStore::DeleteTags(std::string_view resource_arn, const std::vector<std::string>& keys) {
  return Write([&](Connection& c) -> Status {
    for (const auto& k : keys) {
      AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kDeleteTag));
      s->Bind(1, resource_arn).Bind(2, k);
      AMIPLACE_RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  });
}

// ---- meta -----------------------------------------------------------------------------------

Result<Millis> SqliteStore::GetClockOffset() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetMeta));
  s->Bind(1, std::string_view("clock_offset_ms"));
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Millis(0);
  return Millis(std::stoll(s->Text(0)));
}

Status SqliteStore::SetClockOffset(Millis offset) {
  return Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kPutMeta));
    s->Bind(1, std::string_view("clock_offset_ms")).Bind(2, std::to_string(offset.count()));
    return s->Run();
  });
}

Result<std::string> SqliteStore::GetServerKey() {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kGetMeta));
  s->Bind(1, std::string_view("server_key"));
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return InternalError("the store has no server key");
  std::string hex = s->Text(0);
  std::string key;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    key.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return key;
}

}  // namespace amiplace
