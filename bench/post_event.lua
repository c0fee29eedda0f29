-- post_event.lua — wrk script for `make bench` (c) and (d).
-- POSTs one learning event as JSON; the bearer token comes from the command
-- line (-H "Authorization: Bearer ...").  Counts responses per HTTP status in
-- every thread and prints them (bench/statuses.lua) at the end as "status <code> <count>" lines,
-- so run.sh can compare the number of 201s with the rows in the database.
-- Used identically for (c) and (d), so both pay the same Lua cost.

wrk.method = "POST"
wrk.body = '{"verb":"viewed","object":"unit/1"}'
wrk.headers["Content-Type"] = "application/json"

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, init, response, done = shared.setup, shared.init, shared.response, shared.done
