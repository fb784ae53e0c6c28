-- Version 5: oversight reports and attestation (issue #7). Placeholder until that work lands.
SELECT 1;
