-- The audit trail's tally: how many events it holds and the newest event's id, kept by the
-- chain trigger as it chains each event; and event ids drawn in the chain's order.
--
-- The daemon keeps its reconcile state between cycles as long as nobody else wrote an audit
-- event; it used to tell by `count(*)` and `max(id)` of audit_event, twice a cycle. The count
-- reads the whole trail (index-only at best), and the trail grows by a few events a cycle for
-- ever (a cycle a second is some 250,000 events a day), so the cheapest cycle grew with the
-- age of the installation. One row read instead.
--
-- The tally is as tamper-evident as the trail: only the chain trigger writes it (under the
-- chain's lock, in the event's own transaction, so it commits or rolls back with the event),
-- a guard refuses any other change, and audit_verify() reports a tally that differs from the
-- trail. It also catches what the hash chain alone cannot: the newest events removed (the
-- chain of what is left is intact).

-- No new event while the tally is counted and the trigger replaced: an insert in flight is
-- waited for, and a later one sees the new trigger.
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;
SELECT pg_advisory_xact_lock(6225031101);

CREATE TABLE audit_tally (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  events   bigint NOT NULL CHECK (events >= 0),
  newest   bigint NOT NULL
);
INSERT INTO audit_tally (events, newest)
  SELECT count(*), coalesce(max(id), 0) FROM audit_event;

-- The chain as before (sql/002_review.sql), the tally counted with it, and the event's id
-- drawn under the chain's lock. The column default drew it before the lock, so two writers at
-- once could chain in another order than their ids (the later id chained first), which
-- audit_verify(), following the ids, reported as "previous event removed or changed". Drawn
-- under the lock, held to the commit, ids follow the chain and the commits; the default's
-- number is left unused.
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One writer at a time extends the chain.
  PERFORM pg_advisory_xact_lock(6225031101);
  NEW.id := nextval(pg_get_serial_sequence('audit_event', 'id'));
  SELECT hash INTO NEW.prev_hash FROM audit_event ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(NEW.prev_hash, '\x'::bytea);
  NEW.hash := sha256(NEW.prev_hash || audit_event_content(NEW));
  UPDATE audit_tally SET events = events + 1, newest = greatest(newest, NEW.id);
  RETURN NEW;
END;
$$;

-- Only the chain trigger's own step: one more event, the newest id never going back; no row
-- added or removed. A superuser can switch this off, as the trail's own guard: audit_verify()
-- then reports the difference.
CREATE FUNCTION audit_tally_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.only_row
     AND NEW.events = OLD.events + 1 AND NEW.newest >= OLD.newest THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_tally is kept by the audit trail''s chain trigger alone: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_tally_kept_by_chain BEFORE INSERT OR UPDATE OR DELETE ON audit_tally
  FOR EACH ROW EXECUTE FUNCTION audit_tally_guard();
CREATE TRIGGER audit_tally_no_truncate BEFORE TRUNCATE ON audit_tally
  FOR EACH STATEMENT EXECUTE FUNCTION audit_tally_guard();

REVOKE ALL ON audit_tally FROM PUBLIC;
-- Whoever reads the trail may read its tally (audit_verify() runs as its caller).
GRANT SELECT ON audit_tally TO valtuus_daemon, valtuus_reviewer, valtuus_security, valtuus_admin,
  valtuus_console;
REVOKE EXECUTE ON FUNCTION audit_tally_guard() FROM PUBLIC;

-- The checks of sql/017_bulk_references.sql, and the tally against the trail. A missing tally
-- row is a difference too.
CREATE OR REPLACE FUNCTION audit_verify() RETURNS TABLE (event_id bigint, problem text)
LANGUAGE sql STABLE AS $$
  WITH ordered AS (
    SELECT e.id, e.prev_hash, e.hash, sha256(e.prev_hash || audit_event_content(e)) AS expected,
           lag(e.hash, 1, '\x'::bytea) OVER (ORDER BY e.id) AS previous
    FROM audit_event e
  )
  SELECT id, CASE WHEN hash IS DISTINCT FROM expected THEN 'content changed'
                  ELSE 'previous event removed or changed' END
  FROM ordered
  WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM previous
  UNION ALL
  SELECT e.id, 'imported rows changed (grant_import_row, import ' || (e.details->>'import') || ')'
  FROM audit_event e
  WHERE e.action = 'grants_imported' AND e.details ? 'rows_sha256'
    AND grant_import_digest((e.details->>'import')::bigint) IS DISTINCT FROM e.details->>'rows_sha256'
  UNION ALL
  SELECT trail.newest,
         format('the trail holds %s events up to id %s, but its tally (audit_tally) says %s up '
                'to id %s: events removed, or the tally changed',
                trail.events, trail.newest, coalesce(t.events::text, 'nothing'),
                coalesce(t.newest::text, 'nothing'))
  FROM (SELECT count(*) AS events, coalesce(max(id), 0) AS newest FROM audit_event) trail
  LEFT JOIN audit_tally t ON true
  WHERE t.events IS DISTINCT FROM trail.events OR t.newest IS DISTINCT FROM trail.newest
  ORDER BY 1
$$;
