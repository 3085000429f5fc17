-- crmkit schema version 6: a placeholder on branch feed for another
-- helper's 0006, which takes this number; the migration loader needs
-- consecutive versions. Drop this file when merging that branch. It
-- changes nothing.
SELECT 1;
