-- crmkit schema version 6: a placeholder on branch convert for the
-- integrity helper's 0006 (reference checks), which takes this number;
-- the migration loader needs consecutive versions. Drop this file when
-- merging that branch. It changes nothing.
SELECT 1;
