-- The durable history of instances' states, from which billing rebuilds running periods. The
-- instances table keeps only the current (stored) state; every insert of an instance and every
-- change of its stored state or of the instant it began appends one row here, written by
-- triggers in the same transaction as the change itself, so the log and the instances can never
-- disagree. Rows hold the first state of each move (pending, stopping, shutting-down, ...), as
-- instances does; readers derive the settled state (domain/commerce/instance.h).
CREATE TABLE instance_state_log (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id      TEXT NOT NULL,
  region           TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  product_id       TEXT NOT NULL,
  instance_type    TEXT NOT NULL,
  state            TEXT NOT NULL,
  at               INTEGER NOT NULL  -- epoch milliseconds of the store's clock
);
CREATE INDEX instance_state_log_by_owner ON instance_state_log (owner_account_id, instance_id, seq);
CREATE INDEX instance_state_log_by_product ON instance_state_log (product_id, at);

-- Instances that existed before the log: their current state is all that is known.
INSERT INTO instance_state_log (instance_id, region, owner_account_id, product_id, instance_type,
                                state, at)
  SELECT instance_id, region, owner_account_id, product_id,
         COALESCE(json_extract(details, '$.InstanceType'), ''), state, state_since
  FROM instances ORDER BY state_since, instance_id;

CREATE TRIGGER instance_state_log_insert AFTER INSERT ON instances
BEGIN
  INSERT INTO instance_state_log (instance_id, region, owner_account_id, product_id,
                                  instance_type, state, at)
  VALUES (NEW.instance_id, NEW.region, NEW.owner_account_id, NEW.product_id,
          COALESCE(json_extract(NEW.details, '$.InstanceType'), ''), NEW.state, NEW.state_since);
END;

CREATE TRIGGER instance_state_log_update AFTER UPDATE OF state, state_since ON instances
WHEN OLD.state IS NOT NEW.state OR OLD.state_since IS NOT NEW.state_since
BEGIN
  INSERT INTO instance_state_log (instance_id, region, owner_account_id, product_id,
                                  instance_type, state, at)
  VALUES (NEW.instance_id, NEW.region, NEW.owner_account_id, NEW.product_id,
          COALESCE(json_extract(NEW.details, '$.InstanceType'), ''), NEW.state, NEW.state_since);
END;
