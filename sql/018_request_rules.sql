-- One order, one set of rules, whichever way it comes. `valtuusctl request` and the web
-- console's order form both end in create_request_as, so the refusals live there: a theme the
-- employee holds, has coming (an open grant or renewal) or has ordered already (an order
-- pending or approved and in force) is not ordered again, and a mandate ends at most 25 years
-- ahead (9131 days, as mark_item_done_as counts them). The order form asks mandate_standing
-- before it offers a theme, so the page and the refusal cannot disagree.

-- Where an employee stands with a theme: 'held', 'coming', 'ordered' or 'none', in that order.
CREATE FUNCTION mandate_standing(p_key text, p_mandate text) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM grant_ledger WHERE employee_key = p_key AND mandate_id = p_mandate
                   AND revoked_at IS NULL
                   AND (valid_until IS NULL OR valid_until >= current_date)) THEN 'held'
    WHEN EXISTS (SELECT 1 FROM change_item WHERE employee_key = p_key AND mandate_id = p_mandate
                   AND kind IN ('grant', 'renew')
                   AND state IN ('proposed', 'approved', 'applied', 'held')) THEN 'coming'
    WHEN EXISTS (SELECT 1 FROM manual_request WHERE employee_key = p_key
                   AND mandate_id = p_mandate AND state IN ('pending', 'approved')
                   AND (valid_until IS NULL OR valid_until >= current_date)) THEN 'ordered'
    ELSE 'none'
  END
$$;

CREATE OR REPLACE FUNCTION create_request_as(p_actor text, p_via text, p_account text,
                                             p_mandate text, p_why text, p_until date)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  key text;
  new_id bigint;
BEGIN
  SELECT e.key INTO key FROM employee e WHERE lower(e.account) = lower(p_account)
    ORDER BY (e.status = 'left'), e.updated_at DESC LIMIT 1;
  IF key IS NULL THEN
    RAISE EXCEPTION 'no employee with account %', p_account USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM mandate_issue WHERE id = p_mandate) THEN
    RAISE EXCEPTION 'no mandate theme %', p_mandate USING ERRCODE = 'no_data_found';
  END IF;
  IF coalesce(btrim(p_why), '') = '' THEN
    RAISE EXCEPTION 'an order needs a justification' USING ERRCODE = 'check_violation';
  END IF;
  IF p_until IS NOT NULL AND p_until < current_date THEN
    RAISE EXCEPTION 'the end date % is in the past', p_until USING ERRCODE = 'check_violation';
  END IF;
  IF p_until IS NOT NULL AND p_until > current_date + 9131 THEN
    RAISE EXCEPTION 'the end date % is more than 25 years ahead', p_until
      USING ERRCODE = 'check_violation';
  END IF;
  CASE mandate_standing(key, p_mandate)
    WHEN 'held' THEN
      RAISE EXCEPTION '% already holds %', p_account, p_mandate USING ERRCODE = 'unique_violation';
    WHEN 'coming' THEN
      RAISE EXCEPTION '% is already being granted %', p_account, p_mandate
        USING ERRCODE = 'unique_violation';
    WHEN 'ordered' THEN
      RAISE EXCEPTION 'an order of % for % is already open', p_mandate, p_account
        USING ERRCODE = 'unique_violation';
    ELSE NULL;
  END CASE;
  INSERT INTO manual_request (employee_key, mandate_id, why, valid_until, requested_by)
    VALUES (key, p_mandate, p_why, p_until, p_actor) RETURNING id INTO new_id;
  INSERT INTO audit_event (actor, action, details)
    VALUES (p_actor, 'request_created',
            audit_via(jsonb_build_object('request', new_id, 'account', p_account,
                                         'mandate', p_mandate, 'until', p_until), p_via));
  RETURN new_id;
END;
$$;

-- The web console's order: who may order for whom is the console's own question; the rest is
-- create_request_as.
CREATE OR REPLACE FUNCTION web_create_request(p_person text, p_account text, p_mandate text,
                                              p_why text, p_until date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor text := web_logged_in_person(p_person);
BEGIN
  IF NOT orders_for(actor, p_account) THEN
    RAISE EXCEPTION '% may order only for themselves and their direct reports, not for %',
      actor, p_account USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN create_request_as(actor, 'web', p_account, p_mandate, p_why, p_until);
END;
$$;

REVOKE EXECUTE ON FUNCTION mandate_standing(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mandate_standing(text, text) TO valtuus_console;
