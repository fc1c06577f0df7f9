-- amiplace store, version 7: usage records of the Metering Service. `usage_key` is the
-- idempotency key (MeterUsage: instance, dimension and hour; BatchMeterUsage: product, customer,
-- dimension and timestamp); its uniqueness makes "one record per key" race-free. Client tokens
-- are kept per caller with the hash of the request that first used them.
CREATE TABLE metering_records (
  record_id        TEXT PRIMARY KEY,
  usage_key        TEXT NOT NULL UNIQUE,
  source           TEXT NOT NULL,
  instance_id      TEXT NOT NULL,
  buyer_account_id TEXT NOT NULL,
  product_id       TEXT NOT NULL,
  product_code     TEXT NOT NULL,
  dimension        TEXT NOT NULL,
  region           TEXT NOT NULL,
  usage_hour       INTEGER NOT NULL,
  usage_time       INTEGER NOT NULL,
  quantity         INTEGER NOT NULL,
  allocations      TEXT NOT NULL,
  recorded_at      INTEGER NOT NULL
);
CREATE INDEX metering_records_by_buyer ON metering_records (buyer_account_id, usage_hour);
CREATE INDEX metering_records_by_product ON metering_records (product_id, usage_hour);

CREATE TABLE metering_client_tokens (
  token_scope  TEXT NOT NULL,
  client_token TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  PRIMARY KEY (token_scope, client_token)
) WITHOUT ROWID;
