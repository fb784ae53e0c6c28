-- Version 4: held sync runs (issue #6). Placeholder until that work lands.
SELECT 1;
