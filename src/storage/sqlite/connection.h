// A thin RAII layer over one SQLite connection: prepared statements cached by SQL text,
// bind/step helpers, and errors as Status. A Connection is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace amiplace::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Statement& BindNull(int i) { sqlite3_bind_null(stmt_, i); return *this; }

  // SQLITE_ROW → true, SQLITE_DONE → false; errors → Status.
  Result<bool> Step();
  Status Run();  // steps to completion

  std::string Text(int col) const;
  std::string_view TextView(int col) const;
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating if `create`) the database at `path` in WAL mode.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create);
  ~Connection();

  Status Exec(std::string_view sql);
  // A cached prepared statement; reset when the returned object goes away.
  Result<std::unique_ptr<Statement>> Prepare(const char* sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

Status SqliteError(sqlite3* db, int rc, std::string_view what);

// Reads every remaining row of `s` with `read` (returning a T, or a Result<T>) into a vector.
template <typename T, typename Read>
Result<std::vector<T>> CollectRows(Statement& s, Read read) {
  std::vector<T> out;
  while (true) {
    AMIPLACE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    if constexpr (std::is_same_v<std::decay_t<decltype(read(s))>, Result<T>>) {
      AMIPLACE_ASSIGN_OR_RETURN(T value, read(s));
      out.push_back(std::move(value));
    } else {
      out.push_back(read(s));
    }
  }
}

}  // namespace amiplace::sqlite
