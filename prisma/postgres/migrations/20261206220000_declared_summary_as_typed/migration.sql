-- The summary of a declared incident is now stored as typed (as the resolve modal stores its own), and
-- escaped only where it is rendered. Until now /firebreak declare stored it as Slack sent it, with the
-- characters & < > as the entities amp, lt and gt: decoded here (the title and the summary in its
-- detection), so the alert of an open incident, edited in place, does not show them once it escapes
-- the text itself. Every declared row came from the command, so every one was escaped. The entity amp
-- is decoded last, so a typed entity stays as typed. Mention markup (<@U…|name>) in an old summary is
-- left as stored: it shows as written and never pings.
-- (The semicolon of each entity is chr(59): the PostgreSQL adapter splits a script at every semicolon.)
UPDATE "Incident"
SET "title" = replace(replace(replace("title", '&lt' || chr(59), '<'), '&gt' || chr(59), '>'), '&amp' || chr(59), '&'),
    "detection" = replace(replace(replace("detection"::text, '&lt' || chr(59), '<'), '&gt' || chr(59), '>'), '&amp' || chr(59), '&')::jsonb
WHERE "detection"->>'source' = 'declared';
