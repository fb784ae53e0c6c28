-- Staff self-service in the web console: every employee the last directory read lists as
-- active may log in (role "employee") and read their own pages: what their job needs and why,
-- and their mandates. The console still decides nothing for them: their login only reads.
--
-- The database, not the console, decides who is an employee: web_record_login() gives the
-- role when the account belongs to exactly one person whose stored status is active and whom
-- no complete read found absent. The console may claim only the directory-group roles.
--
-- Pages about a person are addressed by employee.web_ref, a random reference: never the
-- directory key (employeeID may hold anything, even an identity code) and never a number
-- that counts the staff.

ALTER TABLE employee ADD COLUMN web_ref uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX employee_web_ref_idx ON employee (web_ref);

ALTER TABLE web_person DROP CONSTRAINT web_person_roles_check;
ALTER TABLE web_person ADD CONSTRAINT web_person_roles_check
  CHECK (roles <@ ARRAY['reviewer', 'security', 'admin', 'employee']);
-- The person the login is, as the last read stored them; NULL for staff without an employee
-- row (a reviewer outside the synced OUs).
ALTER TABLE web_person ADD COLUMN employee_key text REFERENCES employee(key);

-- The employee an account logs in as: the one active person with that account (compared
-- without case, as the directory does); NULL when none, or when the account is ambiguous.
CREATE FUNCTION web_active_employee(p_account text) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN count(*) = 1 THEN min(key) END FROM employee
    WHERE lower(account) = lower(btrim(p_account)) AND status = 'active'
      AND absent_since_run IS NULL
$$;

-- The same signature as before; now it also gives the employee role. A login with no role at
-- all is still recorded (so a reviewer whose group was taken away loses the role at once), and
-- the console opens no session for it.
CREATE OR REPLACE FUNCTION web_record_login(p_account text, p_display_name text,
                                            p_roles text[], p_session_lifetime interval)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_account text := lower(btrim(coalesce(p_account, '')));
  v_roles text[] := ARRAY(SELECT DISTINCT r FROM unnest(coalesce(p_roles, '{}')) r ORDER BY r);
  v_key text;
BEGIN
  IF v_account = '' THEN
    RAISE EXCEPTION 'a web login needs the person''s account' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT v_roles <@ ARRAY['reviewer', 'security', 'admin'] THEN
    RAISE EXCEPTION 'unknown web role in %: the console names reviewer, security and admin; '
      'the employee role is the database''s to give', v_roles
      USING ERRCODE = 'check_violation';
  END IF;
  IF p_session_lifetime IS NULL OR p_session_lifetime <= interval '0'
     OR p_session_lifetime > interval '1 day' THEN
    RAISE EXCEPTION 'a web session lasts more than nothing and at most a day, not %',
      p_session_lifetime USING ERRCODE = 'check_violation';
  END IF;
  v_key := web_active_employee(v_account);
  IF v_key IS NOT NULL THEN
    v_roles := ARRAY(SELECT r FROM unnest(v_roles || ARRAY['employee']) r ORDER BY r);
  END IF;
  INSERT INTO web_person (account, display_name, roles, logged_in_at, acts_until, employee_key)
    VALUES (v_account, coalesce(p_display_name, ''), v_roles, now(), now() + p_session_lifetime,
            v_key)
    ON CONFLICT (account) DO UPDATE SET display_name = EXCLUDED.display_name,
      roles = EXCLUDED.roles, logged_in_at = EXCLUDED.logged_in_at,
      acts_until = EXCLUDED.acts_until, employee_key = EXCLUDED.employee_key;
  INSERT INTO audit_event (actor, action, details)
    VALUES (v_account, 'web_login', jsonb_build_object('roles', v_roles, 'via', 'web'));
  RETURN v_account;
END;
$$;

REVOKE EXECUTE ON FUNCTION web_active_employee(text) FROM PUBLIC;
