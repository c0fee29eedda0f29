-- beat.lua — wrk script for `make bench` (f) and (g), as a signed-in learner
-- (the session cookie comes from the command line, -H "Cookie: ...").
--
--   BEAT_MODE=beat  POST /runs/{run}/units/{unit}/beat, the player's form
--                   (_csrf, active_ms, position, segments), rotating over the
--                   "run:unit,run:unit,..." pairs of BEAT_TARGETS; the
--                   watched segments change with every request.
--   BEAT_MODE=noop  POST the URL's path (the events API with ?dry_run=1) with
--                   the X-CSRF-Token header and a small JSON body that also
--                   changes with every request: checked, nothing stored.
--
-- BENCH_CSRF is the session's CSRF token.  Both modes build each request in
-- request(), so wrk pays the same Lua cost for both.  Responses are counted
-- per HTTP status (bench/statuses.lua) and printed at the end as "status <code> <count>" lines,
-- so run.sh can compare the number of 200s with the rows in the database.

local mode = os.getenv("BEAT_MODE") or "beat"
local csrf = os.getenv("BENCH_CSRF") or ""
local paths = {}
for r, u in string.gmatch(os.getenv("BEAT_TARGETS") or "", "(%d+):(%d+)") do
    table.insert(paths, "/runs/" .. r .. "/units/" .. u .. "/beat")
end

wrk.method = "POST"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
if mode == "beat" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
else
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-CSRF-Token"] = csrf
end

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, response, done = shared.setup, shared.response, shared.done
local n = 0

function init(args)
    shared.init()
    math.randomseed(777 + (tid or 0))
    if mode == "beat" and #paths == 0 then error("BEAT_TARGETS is empty") end
end

function request()
    n = n + 1
    if mode == "beat" then
        local s = math.random(0, 5900) / 10         -- a 600 s video
        local segs
        if n % 4 == 0 then                          -- a seek inside the beat
            segs = string.format("%.1f-%.1f%%2C%.1f-%.1f", s, s + 2, s + 3, s + 5)
        else
            segs = string.format("%.1f-%.1f", s, s + 5)
        end
        local body = "_csrf=" .. csrf .. "&active_ms=" .. (4000 + n % 2000) ..
            "&position=" .. string.format("%.1f", s + 5) .. "&segments=" .. segs
        return wrk.format("POST", paths[(n % #paths) + 1], nil, body)
    end
    return wrk.format("POST", nil, nil, '{"verb":"viewed","object":"unit/' .. (n % 50 + 1) .. '"}')
end
