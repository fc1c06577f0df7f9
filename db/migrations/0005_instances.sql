-- amiplace store, version 5: EC2 instances, the client tokens of RunInstances, and where images
-- made by CreateImage come from. `details` is the whole instance as JSON
-- (domain/commerce/instance.h); the other columns are what look-ups and the address rule need.
-- `state` and `state_since` are the stored (first) state of the instance's latest move; the
-- state it settles into later is derived by the code, not stored.

CREATE TABLE instances (
  instance_id      TEXT PRIMARY KEY,
  reservation_id   TEXT NOT NULL,
  region           TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'running', 'stopping', 'stopped',
                                                  'shutting-down', 'terminated')),
  state_since      INTEGER NOT NULL,
  launched_at      INTEGER NOT NULL,  -- RunInstances (LaunchTime moves with each start)
  product_id       TEXT NOT NULL DEFAULT '',
  -- The private address handed out at launch (IPv4 as an integer), kept for the record; the
  -- instance holds it (ip_held = 1) until it is shutting down or terminated.
  ip_address       INTEGER NOT NULL,
  ip_held          INTEGER NOT NULL CHECK (ip_held IN (0, 1)),
  details          TEXT NOT NULL
);
CREATE INDEX instances_by_owner ON instances (region, owner_account_id, launched_at, instance_id);
CREATE INDEX instances_by_reservation ON instances (reservation_id);
-- CONTRACT §6: an address belongs to one instance at a time.
CREATE UNIQUE INDEX instances_by_held_address ON instances (ip_address) WHERE ip_held = 1;

-- RunInstances' ClientToken: a replay returns the first launch (EC2: per account and region).
CREATE TABLE instance_client_tokens (
  owner_account_id TEXT NOT NULL,
  region           TEXT NOT NULL,
  client_token     TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  reservation_id   TEXT NOT NULL,
  PRIMARY KEY (owner_account_id, region, client_token)
);

-- Images made by CreateImage: the instance each was made from and the marketplace product and
-- version it descends from, so that instances launched from it keep the product's rules.
CREATE TABLE image_lineage (
  image_id    TEXT PRIMARY KEY REFERENCES images (image_id),
  instance_id TEXT NOT NULL,
  product_id  TEXT NOT NULL,
  version_id  TEXT NOT NULL
);
