-- Valtuus schema, version 1: sync runs, employees, the mandate catalog, the grant ledger,
-- change items and the append-only audit trail.
-- Applied by `valtuusctl db migrate` inside one transaction that also records the version.

CREATE TABLE schema_version (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT session_user
);

-- One sync cycle of the daemon. Its items land in the same transaction or not at all.
CREATE TABLE sync_run (
  id                bigserial PRIMARY KEY,
  started_at        timestamptz NOT NULL,
  finished_at       timestamptz NOT NULL DEFAULT now(),
  directory_source  text NOT NULL,
  snapshot_complete boolean NOT NULL,
  incomplete_reason text NOT NULL DEFAULT '',
  entries_read      integer NOT NULL CHECK (entries_read >= 0),
  items_added       integer NOT NULL CHECK (items_added >= 0),
  items_superseded  integer NOT NULL CHECK (items_superseded >= 0),
  policy_digest     text NOT NULL DEFAULT '',
  run_by            text NOT NULL DEFAULT session_user
);

-- The last values seen in the directory for each person; `key` is the directory's stable
-- identity (objectGUID or employeeID), never reused.
CREATE TABLE employee (
  key             text PRIMARY KEY,
  account         text NOT NULL,
  dn              text NOT NULL DEFAULT '',
  given_name      text NOT NULL DEFAULT '',
  surname         text NOT NULL DEFAULT '',
  display_name    text NOT NULL DEFAULT '',
  mail            text NOT NULL DEFAULT '',
  department      text NOT NULL DEFAULT '',
  title           text NOT NULL DEFAULT '',
  ou              text NOT NULL DEFAULT '',
  groups          text[] NOT NULL DEFAULT '{}',
  disabled        boolean NOT NULL DEFAULT false,
  account_expires timestamptz,
  long_leave_marker text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'long_leave', 'left')),
  left_at         timestamptz,
  -- When department, title or OU last changed: a mover's revocations wait a grace period.
  role_changed_at timestamptz NOT NULL DEFAULT now(),
  first_seen_run  bigint REFERENCES sync_run(id),
  last_seen_run   bigint REFERENCES sync_run(id),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX employee_account_idx ON employee (lower(account));

-- The catalog of mandate themes, refreshed from the policy files at each run.
CREATE TABLE mandate_issue (
  id                  text PRIMARY KEY,
  suomifi_code        text NOT NULL DEFAULT '',
  name_fi             text NOT NULL,
  name_sv             text NOT NULL DEFAULT '',
  name_en             text NOT NULL DEFAULT '',
  service             text NOT NULL,
  mandate_type        text NOT NULL DEFAULT 'asiointivaltuus'
                      CHECK (mandate_type IN ('asiointivaltuus', 'edustamisvaltuus')),
  organisation_holds  boolean NOT NULL,
  max_validity_days   integer NOT NULL CHECK (max_validity_days BETWEEN 1 AND 9131),
  renewal_notice_days integer NOT NULL CHECK (renewal_notice_days >= 0),
  policy_location     text NOT NULL DEFAULT '',
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- A change a mandate administrator reviews. Never deleted; states move forward only.
CREATE TABLE change_item (
  id              bigserial PRIMARY KEY,
  run_id          bigint NOT NULL REFERENCES sync_run(id),
  kind            text NOT NULL CHECK (kind IN ('grant', 'org_apply', 'revoke', 'renew')),
  state           text NOT NULL DEFAULT 'proposed'
                  CHECK (state IN ('proposed', 'approved', 'applied', 'rejected', 'superseded',
                                   'done', 'failed')),
  version         integer NOT NULL DEFAULT 1,
  employee_key    text REFERENCES employee(key),
  mandate_id      text NOT NULL REFERENCES mandate_issue(id),
  reason          text NOT NULL,
  map_id          text NOT NULL DEFAULT '',
  policy_file     text NOT NULL DEFAULT '',
  policy_line     integer NOT NULL DEFAULT 0,
  matched         jsonb NOT NULL DEFAULT '[]',
  fingerprint     text NOT NULL,
  waits_for_org_apply boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  state_changed_at timestamptz NOT NULL DEFAULT now(),
  superseded_by_run bigint REFERENCES sync_run(id),
  CHECK ((kind = 'org_apply') = (employee_key IS NULL))
);
-- One open item per (employee, theme, kind): concurrent runs cannot duplicate one.
CREATE UNIQUE INDEX change_item_one_open_idx
  ON change_item (coalesce(employee_key, ''), mandate_id, kind)
  WHERE state IN ('proposed', 'approved', 'applied');
CREATE INDEX change_item_state_idx ON change_item (state);

-- Mandates held in Suomi.fi, as recorded by people. Changes only when an item is done
-- (or by an audited import of the existing spreadsheet).
CREATE TABLE grant_ledger (
  id            bigserial PRIMARY KEY,
  employee_key  text NOT NULL,
  mandate_id    text NOT NULL REFERENCES mandate_issue(id),
  valid_from    date NOT NULL,
  valid_until   date,
  source        text NOT NULL CHECK (source IN ('item', 'import')),
  item_id       bigint REFERENCES change_item(id),
  revoked_at    timestamptz,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  recorded_by   text NOT NULL DEFAULT session_user
);
CREATE UNIQUE INDEX grant_ledger_active_idx ON grant_ledger (employee_key, mandate_id)
  WHERE revoked_at IS NULL;

-- The audit trail: append-only. The database itself refuses UPDATE and DELETE.
CREATE TABLE audit_event (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  actor    text NOT NULL DEFAULT session_user,
  action   text NOT NULL,
  run_id   bigint REFERENCES sync_run(id),
  item_id  bigint REFERENCES change_item(id),
  details  jsonb NOT NULL DEFAULT '{}'
);

CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
