// SqliteStore: reading the instance state log (migration 0008). Its rows are written by triggers
// on the instances table, inside the transaction of each launch and state change, so there is
// no write path here to forget.
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;

namespace {

constexpr char kListLog[] =
    "SELECT instance_id, region, owner_account_id, product_id, instance_type, state, at "
    "FROM instance_state_log WHERE owner_account_id = ?1 ORDER BY instance_id, seq";

}  // namespace

Result<std::vector<InstanceStateRecord>> SqliteStore::ListInstanceStateLog(std::string_view owner) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListLog));
  s->Bind(1, owner);
  std::vector<InstanceStateRecord> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    auto state = ParseInstanceState(s->TextView(5));
    if (!state) return InternalError(fmt::format("instance_state_log: unknown state '{}'", s->Text(5)));
    out.push_back({s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4), *state,
                   FromEpochMillis(s->Int(6))});
  }
  return out;
}

}  // namespace amiplace
