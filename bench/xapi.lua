-- xapi.lua — wrk script for `make bench` part xapi (z): POSTs a batch of
-- BATCH xAPI statements (default 100) to /xapi/statements, each without an
-- id so that the LRS stores every one anew.  The credential comes from the
-- command line (-H "Authorization: Basic ...").  Counts responses per HTTP
-- status (bench/statuses.lua) so run.sh can compare the 200s with the rows.

local batch = tonumber(os.getenv("XAPI_BATCH") or "100")
local one = '{"actor":{"objectType":"Agent","mbox":"mailto:elodie@lectern.test"},'
         .. '"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"en-US":"experienced"}},'
         .. '"object":{"objectType":"Activity","id":"https://mooc.example/courses/data-protection/page-%d"},'
         .. '"result":{"duration":"PT5M","completion":false},"timestamp":"2026-11-29T12:00:00Z"}'
local parts = {}
for i = 1, batch do parts[i] = string.format(one, i) end

wrk.method = "POST"
wrk.body = "[" .. table.concat(parts, ",") .. "]"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Experience-API-Version"] = "1.0.3"

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, init, response, done = shared.setup, shared.init, shared.response, shared.done
