-- Refused directory entries (DESIGN.md invariant 9: a refused value is not absence). The
-- connector refuses values it cannot trust (control characters, bad UTF-8, over the size cap,
-- unparsable flags) and entries without a usable key, account or DN; the reconcile treats such
-- a person as not read. Each run records what it refused, so that `valtuusctl runs show`, the
-- log and the metrics can say which entries and fields, and the guard can hold a run with many.
--
-- The contract later migrations rely on:
--   sync_run.entries_refused   entries (distinct DNs) with a refused value in the run's read
--   refused_entry(run_id, dn, account, field, reason)   one row per refused entry and field;
--                              never a value (a refused value could be an identity code)
--   record_refused_entries(p_run bigint, p_dns text[], p_accounts text[], p_fields text[],
--                          p_reasons text[]) RETURNS integer   -- entries; valtuus_daemon

ALTER TABLE sync_run
  ADD COLUMN entries_refused integer NOT NULL DEFAULT 0 CHECK (entries_refused >= 0);

CREATE TABLE refused_entry (
  id      bigserial PRIMARY KEY,
  run_id  bigint NOT NULL REFERENCES sync_run(id),
  dn      text NOT NULL,
  account text NOT NULL DEFAULT '',
  field   text NOT NULL,
  reason  text NOT NULL
);
CREATE INDEX refused_entry_run_idx ON refused_entry (run_id);

-- Written once per run, in the run's transaction, with its audit event. The daemon has no
-- privilege on the table itself.
CREATE FUNCTION record_refused_entries(p_run bigint, p_dns text[], p_accounts text[],
                                       p_fields text[], p_reasons text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer := coalesce(cardinality(p_dns), 0);
  entries integer;
BEGIN
  IF coalesce(cardinality(p_accounts), 0) <> n OR coalesce(cardinality(p_fields), 0) <> n
     OR coalesce(cardinality(p_reasons), 0) <> n THEN
    RAISE EXCEPTION 'run %: refused entries need as many accounts, fields and reasons as DNs', p_run
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM 1 FROM sync_run WHERE id = p_run FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'run %: no such run', p_run USING ERRCODE = 'no_data_found';
  END IF;
  IF EXISTS (SELECT 1 FROM refused_entry WHERE run_id = p_run) THEN
    RAISE EXCEPTION 'run %: refused entries are already recorded', p_run
      USING ERRCODE = 'unique_violation';
  END IF;
  INSERT INTO refused_entry (run_id, dn, account, field, reason)
    SELECT p_run, d, coalesce(a, ''), f, r FROM unnest(p_dns, p_accounts, p_fields, p_reasons)
      AS u(d, a, f, r);
  SELECT count(DISTINCT lower(dn)) INTO entries FROM refused_entry WHERE run_id = p_run;
  UPDATE sync_run SET entries_refused = entries WHERE id = p_run;
  INSERT INTO audit_event (action, run_id, details)
    VALUES ('entries_refused', p_run, jsonb_build_object('entries', entries, 'values', n));
  RETURN entries;
END;
$$;

REVOKE EXECUTE ON FUNCTION record_refused_entries(bigint, text[], text[], text[], text[])
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_refused_entries(bigint, text[], text[], text[], text[])
  TO valtuus_daemon;
GRANT SELECT ON refused_entry TO valtuus_daemon, valtuus_reviewer, valtuus_security, valtuus_admin;
