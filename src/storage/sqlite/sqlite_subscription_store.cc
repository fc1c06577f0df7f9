// SqliteStore: subscriptions and product search (migration 0004).
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr char kFindActive[] =
    "SELECT id, buyer_account_id, product_id, status, created_at, cancelled_at FROM subscriptions "
    "WHERE buyer_account_id = ?1 AND product_id = ?2 AND status = 'ACTIVE'";
constexpr char kInsertSubscription[] =
    "INSERT INTO subscriptions (id, buyer_account_id, product_id, status, created_at) "
    "VALUES (?1, ?2, ?3, 'ACTIVE', ?4)";
constexpr char kCancelSubscription[] =
    "UPDATE subscriptions SET status = 'CANCELLED', cancelled_at = ?3 "
    "WHERE buyer_account_id = ?1 AND product_id = ?2 AND status = 'ACTIVE'";
constexpr char kListByBuyer[] =
    "SELECT id, buyer_account_id, product_id, status, created_at, cancelled_at FROM subscriptions "
    "WHERE buyer_account_id = ?1 ORDER BY created_at, id";
constexpr char kListByBuyerProduct[] =
    "SELECT id, buyer_account_id, product_id, status, created_at, cancelled_at FROM subscriptions "
    "WHERE buyer_account_id = ?1 AND product_id = ?2 ORDER BY created_at, id";
constexpr char kSearch[] =
    "SELECT product_id FROM product_search WHERE product_search MATCH ?1 ORDER BY rank";
constexpr char kAllProducts[] =
    "SELECT id FROM entities WHERE type = 'AmiProduct@1.0' ORDER BY name, id";

Subscription ReadSubscription(const Statement& s) {
  Subscription sub;
  sub.id = s.Text(0);
  sub.buyer_account_id = s.Text(1);
  sub.product_id = s.Text(2);
  sub.status = s.TextView(3) == "ACTIVE" ? SubscriptionStatus::kActive : SubscriptionStatus::kCancelled;
  sub.created_at = FromEpochMillis(s.Int(4));
  if (!s.IsNull(5)) sub.cancelled_at = FromEpochMillis(s.Int(5));
  return sub;
}

Result<std::vector<Subscription>> Collect(Statement& s) {
  std::vector<Subscription> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadSubscription(s));
  }
  return out;
}

// Turns free text into an FTS5 query: every word must match, as a prefix; FTS syntax in the
// text has no effect because each word is quoted.
std::string FtsQuery(std::string_view text) {
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += " AND ";
    out += "\"" + word + "\"*";
    word.clear();
  };
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace

Result<Subscription> SqliteStore::Subscribe(const Subscription& sub) {
  Subscription result = sub;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    AMIPLACE_ASSIGN_OR_RETURN(auto find, c.Prepare(kFindActive));
    find->Bind(1, sub.buyer_account_id).Bind(2, sub.product_id);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, find->Step());
    if (row) {
      result = ReadSubscription(*find);
      return Status::Ok();
    }
    find.reset();
    AMIPLACE_ASSIGN_OR_RETURN(auto ins, c.Prepare(kInsertSubscription));
    ins->Bind(1, sub.id).Bind(2, sub.buyer_account_id).Bind(3, sub.product_id);
    ins->Bind(4, ToEpochMillis(sub.created_at));
    result = sub;
    result.status = SubscriptionStatus::kActive;
    return ins->Run();
  }));
  return result;
}

Result<std::optional<Subscription>> SqliteStore::CancelSubscription(std::string_view buyer,
                                                                    std::string_view product,
                                                                    TimePoint at) {
  std::optional<Subscription> result;
  AMIPLACE_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    result.reset();
    AMIPLACE_ASSIGN_OR_RETURN(auto find, c.Prepare(kFindActive));
    find->Bind(1, buyer).Bind(2, product);
    AMIPLACE_ASSIGN_OR_RETURN(bool row, find->Step());
    if (!row) return Status::Ok();
    Subscription sub = ReadSubscription(*find);
    find.reset();
    AMIPLACE_ASSIGN_OR_RETURN(auto upd, c.Prepare(kCancelSubscription));
    upd->Bind(1, buyer).Bind(2, product).Bind(3, ToEpochMillis(at));
    AMIPLACE_RETURN_IF_ERROR(upd->Run());
    sub.status = SubscriptionStatus::kCancelled;
    sub.cancelled_at = at;
    result = sub;
    return Status::Ok();
  }));
  return result;
}

Result<std::vector<Subscription>> SqliteStore::ListSubscriptions(std::string_view buyer) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListByBuyer));
  s->Bind(1, buyer);
  return Collect(*s);
}

Result<std::vector<Subscription>> SqliteStore::ListSubscriptionsOf(std::string_view buyer,
                                                                   std::string_view product) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(kListByBuyerProduct));
  s->Bind(1, buyer).Bind(2, product);
  return Collect(*s);
}

Result<std::vector<std::string>> SqliteStore::SearchProducts(std::string_view text) {
  AMIPLACE_ASSIGN_OR_RETURN(Connection * c, Reader());
  std::string query = FtsQuery(text);
  AMIPLACE_ASSIGN_OR_RETURN(auto s, c->Prepare(query.empty() ? kAllProducts : kSearch));
  if (!query.empty()) s->Bind(1, query);
  std::vector<std::string> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Text(0));
  }
  return out;
}

}  // namespace amiplace
