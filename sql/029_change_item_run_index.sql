-- A run's items found by the run: every sync's commit counts its own items for the reviewers'
-- notice (outbox_run_trigger(), sql/006_outbox.sql), and `runs show` and the console's run page
-- list them. With no index on run_id (change_item_held_run_idx holds only held items, which a
-- held run's release and discard take), those read the whole of change_item, which keeps every
-- item ever proposed: an idle cycle's cost grew with the history, not with what changed (at
-- 25,000 items, 3.6 ms of a 10 ms idle cycle was that scan). The index costs the first sync of
-- 100,000 people about a seventieth of its time.
CREATE INDEX change_item_run_idx ON change_item (run_id);
