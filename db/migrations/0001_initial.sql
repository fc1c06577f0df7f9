-- amiplace store, version 1: accounts, catalog entities, change sets and their locks, tags.
-- Instants are milliseconds since the Unix epoch; documents are JSON text.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE accounts (
  account_id TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('OPERATOR', 'SELLER', 'BUYER')),
  created_at INTEGER NOT NULL
);

-- Secrets are sealed (AES-256-GCM) with the key in the data directory's secret.key.
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts (account_id),
  sealed_secret BLOB NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE entities (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  revision         INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  last_modified    INTEGER NOT NULL,
  name             TEXT NOT NULL DEFAULT '',
  visibility       TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL DEFAULT '',
  product_id       TEXT NOT NULL DEFAULT '',
  product_code     TEXT NOT NULL DEFAULT '',
  details          TEXT NOT NULL,
  resource_policy  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entities_by_type_owner ON entities (type, owner_account_id);
CREATE UNIQUE INDEX entities_by_product_code ON entities (product_code) WHERE product_code <> '';

CREATE TABLE change_sets (
  id                  TEXT PRIMARY KEY,
  owner_account_id    TEXT NOT NULL,
  name                TEXT NOT NULL,
  intent              TEXT NOT NULL,
  status              TEXT NOT NULL,
  failure_code        TEXT NOT NULL DEFAULT '',
  failure_description TEXT NOT NULL DEFAULT '',
  start_time          INTEGER NOT NULL,
  end_time            INTEGER,
  ready_at            INTEGER NOT NULL,
  client_token        TEXT NOT NULL DEFAULT '',
  request_hash        TEXT NOT NULL DEFAULT '',
  changes             TEXT NOT NULL,
  entity_ids          TEXT NOT NULL,
  tags                TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX change_sets_by_token ON change_sets (owner_account_id, client_token)
  WHERE client_token <> '';
CREATE INDEX change_sets_by_owner ON change_sets (owner_account_id);
CREATE INDEX change_sets_by_status ON change_sets (status, ready_at);

-- An entity is locked while an open change set (PREPARING or APPLYING) touches it.
CREATE TABLE entity_locks (
  entity_id     TEXT PRIMARY KEY,
  change_set_id TEXT NOT NULL
);
CREATE INDEX entity_locks_by_change_set ON entity_locks (change_set_id);

CREATE TABLE tags (
  resource_arn TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)
);
