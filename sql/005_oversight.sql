-- Version 5: oversight (issue #7). Attestations that Suomi.fi's own list of given mandates
-- matches the ledger, the differences a person found (each decided by another person before
-- the ledger changes), the indexes the reports need, and who may do what.
--
-- Why differences are not change items: the daemon supersedes every open item its reconcile
-- does not want, and it wants items only from what the ledger says. So a difference first
-- corrects the ledger (four eyes, audited); the next sync then proposes the grant or revoke
-- item that the corrected ledger calls for, and that item goes through the ordinary review.

-- One attestation: a named person compared the checklist of one theme with Suomi.fi's list.
CREATE TABLE attestation (
  id           bigserial PRIMARY KEY,
  mandate_id   text NOT NULL REFERENCES mandate_issue(id),
  result       text NOT NULL CHECK (result IN ('confirmed', 'differences')),
  ledger_count integer NOT NULL CHECK (ledger_count >= 0),  -- grants the checklist showed
  note         text NOT NULL DEFAULT '',
  attested_by  text NOT NULL DEFAULT session_user,
  attested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attestation_mandate_idx ON attestation (mandate_id, attested_at DESC);

-- `missing`: the ledger says held, Suomi.fi does not show it; accepting it ends the ledger's
-- grant. `extra`: Suomi.fi shows a grant the ledger lacks; accepting it records the grant.
CREATE TABLE attestation_difference (
  id             bigserial PRIMARY KEY,
  attestation_id bigint NOT NULL REFERENCES attestation(id),
  kind           text NOT NULL CHECK (kind IN ('missing', 'extra')),
  employee_key   text NOT NULL REFERENCES employee(key),
  mandate_id     text NOT NULL REFERENCES mandate_issue(id),
  ledger_id      bigint REFERENCES grant_ledger(id),  -- missing: the ledger's grant
  valid_until    date,                                -- extra: the end date Suomi.fi shows
  state          text NOT NULL DEFAULT 'proposed'
                 CHECK (state IN ('proposed', 'accepted', 'rejected')),
  decided_by     text,
  decided_at     timestamptz,
  decision_note  text NOT NULL DEFAULT '',
  CHECK ((kind = 'missing') = (ledger_id IS NOT NULL))
);
CREATE INDEX attestation_difference_open_idx ON attestation_difference (state)
  WHERE state = 'proposed';

-- A grant Suomi.fi showed and a second person confirmed is recorded with its own source.
ALTER TABLE grant_ledger DROP CONSTRAINT grant_ledger_source_check;
ALTER TABLE grant_ledger ADD CONSTRAINT grant_ledger_source_check
  CHECK (source IN ('item', 'import', 'attestation'));

-- The reports look up a person's latest item per theme, and leavers by when they left.
CREATE INDEX change_item_person_theme_idx ON change_item (employee_key, mandate_id, kind, id);
CREATE INDEX employee_left_idx ON employee (left_at) WHERE status = 'left';

-- Records an attestation as session_user. Accounts are resolved as create_request() does;
-- a `missing` account must hold the theme in the ledger and an `extra` one must not, so a
-- typo is refused instead of becoming a difference. Returns the attestation's id.
CREATE FUNCTION record_attestation(p_mandate text, p_missing text[], p_extra text[],
                                   p_extra_until date[], p_note text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
  held integer;
  v_account text;
  person text;
  ledger bigint;
  i integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM mandate_issue WHERE id = p_mandate) THEN
    RAISE EXCEPTION 'no mandate theme %', p_mandate USING ERRCODE = 'no_data_found';
  END IF;
  IF coalesce(array_length(p_extra_until, 1), 0) > coalesce(array_length(p_extra, 1), 0) THEN
    RAISE EXCEPTION 'more end dates than extra grants' USING ERRCODE = 'check_violation';
  END IF;
  SELECT count(*) INTO held FROM grant_ledger
    WHERE mandate_id = p_mandate AND revoked_at IS NULL
      AND (valid_until IS NULL OR valid_until >= current_date);
  INSERT INTO attestation (mandate_id, result, ledger_count, note)
    VALUES (p_mandate, CASE WHEN coalesce(cardinality(p_missing), 0)
                                 + coalesce(cardinality(p_extra), 0) = 0
                            THEN 'confirmed' ELSE 'differences' END,
            held, coalesce(p_note, ''))
    RETURNING id INTO new_id;
  FOREACH v_account IN ARRAY coalesce(p_missing, '{}') LOOP
    SELECT g.id, g.employee_key INTO ledger, person FROM grant_ledger g
      JOIN employee e ON e.key = g.employee_key
      WHERE lower(e.account) = lower(btrim(v_account)) AND g.mandate_id = p_mandate
        AND g.revoked_at IS NULL AND (g.valid_until IS NULL OR g.valid_until >= current_date)
      ORDER BY g.id DESC LIMIT 1;
    IF ledger IS NULL THEN
      RAISE EXCEPTION 'missing %: the ledger does not show % holding %', v_account, v_account,
        p_mandate USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO attestation_difference (attestation_id, kind, employee_key, mandate_id, ledger_id)
      VALUES (new_id, 'missing', person, p_mandate, ledger);
  END LOOP;
  FOR i IN 1 .. coalesce(cardinality(p_extra), 0) LOOP
    v_account := p_extra[i];
    SELECT e.key INTO person FROM employee e WHERE lower(e.account) = lower(btrim(v_account))
      ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
    IF person IS NULL THEN
      RAISE EXCEPTION 'extra %: no employee with that account', v_account
        USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM grant_ledger g WHERE g.employee_key = person
                 AND g.mandate_id = p_mandate AND g.revoked_at IS NULL
                 AND (g.valid_until IS NULL OR g.valid_until >= current_date)) THEN
      RAISE EXCEPTION 'extra %: the ledger already shows % holding %', v_account, v_account,
        p_mandate USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO attestation_difference (attestation_id, kind, employee_key, mandate_id,
                                        valid_until)
      VALUES (new_id, 'extra', person, p_mandate, p_extra_until[i]);
    person := NULL;
  END LOOP;
  INSERT INTO audit_event (action, details)
    VALUES ('attestation_recorded', jsonb_build_object('attestation', new_id, 'mandate',
            p_mandate, 'missing', coalesce(p_missing, '{}'), 'extra', coalesce(p_extra, '{}'),
            'ledger_count', held));
  RETURN new_id;
END;
$$;

-- Decides one difference. Four eyes: not by the person who recorded the attestation.
-- Accepting corrects the ledger; the next sync proposes what the corrected ledger calls for.
CREATE FUNCTION resolve_attestation_difference(p_id bigint, p_accept boolean, p_note text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  d attestation_difference;
  recorder text;
  attested timestamptz;
BEGIN
  SELECT * INTO d FROM attestation_difference WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'difference % does not exist', p_id USING ERRCODE = 'no_data_found';
  END IF;
  IF d.state <> 'proposed' THEN
    RAISE EXCEPTION 'difference % is already %', p_id, d.state USING ERRCODE = 'check_violation';
  END IF;
  SELECT attested_by, attested_at INTO recorder, attested FROM attestation
    WHERE id = d.attestation_id;
  IF recorder = session_user THEN
    RAISE EXCEPTION 'difference %: you recorded this attestation; another person must decide it',
      p_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT p_accept AND coalesce(btrim(p_note), '') = '' THEN
    RAISE EXCEPTION 'difference %: a rejection needs a reason', p_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF p_accept AND d.kind = 'missing' THEN
    UPDATE grant_ledger SET revoked_at = now(),
      end_note = 'not in Suomi.fi (attestation ' || d.attestation_id || ')'
      WHERE id = d.ledger_id AND revoked_at IS NULL;
  ELSIF p_accept THEN
    INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source)
      SELECT d.employee_key, d.mandate_id, (attested AT TIME ZONE 'UTC')::date, d.valid_until,
             'attestation'
      WHERE NOT EXISTS (SELECT 1 FROM grant_ledger g WHERE g.employee_key = d.employee_key
                          AND g.mandate_id = d.mandate_id AND g.revoked_at IS NULL);
  END IF;
  UPDATE attestation_difference SET state = CASE WHEN p_accept THEN 'accepted' ELSE 'rejected' END,
    decided_by = session_user, decided_at = now(), decision_note = coalesce(p_note, '')
    WHERE id = p_id;
  INSERT INTO audit_event (action, details)
    VALUES (CASE WHEN p_accept THEN 'attestation_difference_accepted'
                 ELSE 'attestation_difference_rejected' END,
            jsonb_build_object('difference', p_id, 'attestation', d.attestation_id, 'kind',
                               d.kind, 'employee_key', d.employee_key, 'mandate', d.mandate_id,
                               'note', p_note));
  RETURN CASE WHEN p_accept THEN 'accepted' ELSE 'rejected' END;
END;
$$;

-- Least privilege. Tables created after 002 are nobody's until granted here; new functions are
-- executable by PUBLIC until revoked. Security and reviewers read everything the reports need
-- (SELECT on the older tables came with 002). Both may record what they saw in Suomi.fi;
-- only reviewers decide a difference, and never their own.
REVOKE ALL ON attestation, attestation_difference FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION record_attestation(text, text[], text[], date[], text),
  resolve_attestation_difference(bigint, boolean, text) FROM PUBLIC;
GRANT SELECT ON attestation, attestation_difference TO valtuus_reviewer, valtuus_security;
GRANT EXECUTE ON FUNCTION record_attestation(text, text[], text[], date[], text)
  TO valtuus_reviewer, valtuus_security;
GRANT EXECUTE ON FUNCTION resolve_attestation_difference(bigint, boolean, text)
  TO valtuus_reviewer;
GRANT ALL ON attestation, attestation_difference TO valtuus_admin;
GRANT ALL ON SEQUENCE attestation_id_seq, attestation_difference_id_seq TO valtuus_admin;
