-- A first sync's announcement holds every new item's id (25,000 at 100,000 people, 200 kB):
-- stored out of line as it is, not compressed. The ids are cheap to keep for the minutes until
-- the notifier's next pass, and compressing them cost the run's item statement about 20 ms of
-- its 300 (and the notifier as much again to read them back).
ALTER TABLE outbox_announcement ALTER COLUMN item_ids SET STORAGE EXTERNAL;
