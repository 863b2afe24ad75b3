-- A channel is now stopped by a playbook edit only while it is the playbooks' (`watchedBy` `playbook`),
-- and /firebreak watch or unwatch makes it the command's. Until now only /firebreak unwatch could stop
-- a channel: the ones it stopped are the command's, so a playbook naming them never watches them again.
UPDATE "WatchedChannel" SET "watchedBy" = 'command' WHERE "watchedBy" = 'playbook' AND "active" = false;
