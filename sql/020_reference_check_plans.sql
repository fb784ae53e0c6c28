-- The per-statement reference checks of sql/017_bulk_references.sql, planned for the number of
-- rows the statement wrote.
--
-- The check looked the statement's distinct values up with `SELECT DISTINCT ... LIMIT 1`. The
-- planner cannot know how many distinct values a transition table holds, so it assumed 200,
-- and LIMIT 1 made it pick the plan that finds a first row soonest: one index probe per
-- value, whatever the count. A first sync's 23,500 people behind its 25,000 items cost 23,500
-- probes of employee_pkey, each with a visit to the row (the pages the day's writes left not
-- yet all-visible): 0.2-0.45 s at 100,000 people on a shared machine, where reading the
-- employee index in key order (a merge anti-join) takes 0.1 s. The check now reads the rows
-- without DISTINCT (the planner knows a transition table's row count) and orders the missing
-- values by reference and value, so the plan is chosen by its whole cost: a hash or merge
-- anti-join for a large statement, index probes for a small one (an incremental run's items,
-- a row trigger's single row). Same checks, same error; of several missing values the
-- smallest is named (it was any one).
CREATE OR REPLACE FUNCTION check_known_references() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  i integer := 0;
  j integer;
  columns text;
  bad_arg integer;
  bad_value text;
BEGIN
  WHILE i + 3 < TG_NARGS LOOP
    columns := '';
    j := i;
    WHILE j + 3 < TG_NARGS AND TG_ARGV[j + 2] = TG_ARGV[i + 2]
          AND TG_ARGV[j + 3] = TG_ARGV[i + 3] LOOP
      columns := columns || CASE WHEN j > i THEN ', ' ELSE '' END
                 || format('(%s, n.%I)', j, TG_ARGV[j + 1]);
      j := j + 4;
    END LOOP;
    -- Planned at each call: the planner then knows how many rows the statement wrote.
    EXECUTE format(
      'SELECT x.arg, x.v::text AS v FROM %s CROSS JOIN LATERAL (VALUES %s) AS x(arg, v) '
      'WHERE x.v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %I r WHERE r.%I = x.v) '
      'ORDER BY x.arg, x.v LIMIT 1',
      CASE WHEN TG_LEVEL = 'STATEMENT' THEN 'new_rows n' ELSE '(SELECT ($1).*) n' END,
      columns, TG_ARGV[i + 2], TG_ARGV[i + 3]) INTO bad_arg, bad_value USING NEW;
    IF bad_arg IS NOT NULL THEN
      RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"',
        TG_TABLE_NAME, TG_ARGV[bad_arg]
        USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[bad_arg + 1],
                              bad_value, TG_ARGV[bad_arg + 2]),
              SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[bad_arg + 1],
              CONSTRAINT = TG_ARGV[bad_arg];
    END IF;
    i := j;
  END LOOP;
  RETURN NULL;
END;
$$;
REVOKE EXECUTE ON FUNCTION check_known_references() FROM PUBLIC;
