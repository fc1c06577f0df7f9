// SqliteStore: the Metering Service's usage records and client tokens (migration 0007).
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;
using sqlite::Statement;

namespace {

#define AMIPLACE_METERING_SELECT                                                               \
  "SELECT record_id, usage_key, source, instance_id, buyer_account_id, product_id, product_code, " \
  "dimension, region, usage_hour, usage_time, quantity, allocations, recorded_at "                \
  "FROM metering_records "
constexpr char kFindById[] = AMIPLACE_METERING_SELECT "WHERE record_id = ?1";
constexpr char kFindByKey[] = AMIPLACE_METERING_SELECT "WHERE usage_key = ?1";
constexpr char kListByBuyer[] = AMIPLACE_METERING_SELECT
    "WHERE buyer_account_id = ?1 AND usage_hour >= ?2 AND usage_hour < ?3 "
    "ORDER BY usage_hour, recorded_at, record_id";
#undef AMIPLACE_METERING_SELECT
constexpr char kFindToken[] =
    "SELECT request_hash, record_id FROM metering_client_tokens "
    "WHERE token_scope = ?1 AND client_token = ?2";
constexpr char kPutToken[] =
    "INSERT INTO metering_client_tokens (token_scope, client_token, request_hash, record_id) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kInsertRecord[] =
    "INSERT INTO metering_records (record_id, usage_key, source, instance_id, buyer_account_id, "
    "product_id, product_code, dimension, region, usage_hour, usage_time, quantity, allocations, "
    "recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

MeteringRecord ReadRecord(const Statement& s) {
  MeteringRecord r;
  r.metering_record_id = s.Text(0);
  r.usage_key = s.Text(1);
  r.source = s.Text(2);
  r.instance_id = s.Text(3);
  r.buyer_account_id = s.Text(4);
  r.product_id = s.Text(5);
  r.product_code = s.Text(6);
  r.dimension = s.Text(7);
  r.region = s.Text(8);
  r.usage_hour = FromEpochMillis(s.Int(9));
  r.timestamp = FromEpochMillis(s.Int(10));
  r.quantity = s.Int(11);
  r.allocations = s.Text(12);
  r.recorded_at = FromEpochMillis(s.Int(13));
  return r;
}

Result<std::optional<MeteringRecord>> FindBy(Connection& c, const char* sql,
                                             std::string_view value) {
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(sql));
  s->Bind(1, value);
  AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<MeteringRecord>();
  return std::optional<MeteringRecord>(ReadRecord(*s));
}

Status Insert(Connection& c, const MeteringRecord& r) {
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c.Prepare(kInsertRecord));
  s->Bind(1, r.metering_record_id).Bind(2, r.usage_key).Bind(3, r.source).Bind(4, r.instance_id);
  s->Bind(5, r.buyer_account_id).Bind(6, r.product_id).Bind(7, r.product_code);
  s->Bind(8, r.dimension).Bind(9, r.region).Bind(10, ToEpochMillis(r.usage_hour));
  s->Bind(11, ToEpochMillis(r.timestamp)).Bind(12, r.quantity).Bind(13, r.allocations);
  s->Bind(14, ToEpochMillis(r.recorded_at));
  return s->Run();
}

// One write's outcome; stores it unless `dry_run`.
Result<MeteringOutcome> Decide(Connection& c, const MeteringWrite& w, bool dry_run) {
  MeteringOutcome out;
  if (!w.client_token.empty()) {
    AMIPLACE_ASSIGN_OR_RETURN(auto t, c.Prepare(kFindToken));
    t->Bind(1, w.token_scope).Bind(2, w.client_token);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, t->Step());
    if (row) {
      const std::string hash = t->Text(0);
      const std::string record_id = t->Text(1);
      t.reset();
      AMIPLACE_ASSIGN_OR_RETURN(auto first, FindBy(c, kFindById, record_id));
      if (!first) return InternalError("a metering client token names a missing record");
      out.record = std::move(*first);
      out.kind = hash == w.request_hash ? MeteringOutcome::Kind::kReplayed
                                        : MeteringOutcome::Kind::kTokenConflict;
      return out;
    }
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto existing, FindBy(c, kFindByKey, w.record.usage_key));
  if (existing) {
    const bool same = existing->quantity == w.record.quantity &&
                      existing->allocations == w.record.allocations;
    out.kind = same ? MeteringOutcome::Kind::kReplayed : MeteringOutcome::Kind::kDuplicate;
    out.record = std::move(*existing);
  } else {
    out.kind = MeteringOutcome::Kind::kRecorded;
    out.record = w.record;
    if (!dry_run) AMIPLACE_RETURN_IF_ERROR(Insert(c, w.record));
  }
  if (!dry_run && !w.client_token.empty() && out.kind != MeteringOutcome::Kind::kDuplicate) {
    AMIPLACE_ASSIGN_OR_RETURN(auto put, c.Prepare(kPutToken));
    put->Bind(1, w.token_scope).Bind(2, w.client_token).Bind(3, w.request_hash);
    put->Bind(4, out.record.metering_record_id);
    AMIPLACE_RETURN_IF_ERROR(put->Run());
  }
  return out;
}

}  // namespace

Result<std::vector<MeteringOutcome>> SqliteStore::PutMeteringRecords(
    const std::vector<MeteringWrite>& writes, bool dry_run) {
  std::vector<MeteringOutcome> outcomes;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    outcomes.clear();
    for (const auto& w : writes) {
      AMIPLACE_ASSIGN_OR_RETURN(MeteringOutcome o, Decide(c, w, dry_run));
      outcomes.push_back(std::move(o));
    }
    return Status::Ok();
  }));
  return outcomes;
}

Result<std::vector<MeteringRecord>> SqliteStore::ListMeteringRecords(
    std::string_view buyer_account_id, TimePoint from, TimePoint to) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListByBuyer));
  s->Bind(1, buyer_account_id).Bind(2, ToEpochMillis(from)).Bind(3, ToEpochMillis(to));
  std::vector<MeteringRecord> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadRecord(*s));
  }
  return out;
}

}  // namespace amiplace
