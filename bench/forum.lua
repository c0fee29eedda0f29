-- forum.lua — wrk script for `make bench` part "forum": (n) replies posted to
-- the forum and (o) the same server's no-op POST, as many learners.
--
-- FORUM_LINES is the file `lectern bench-seed-forum --out` wrote: one line per
-- poster, "SESSION_TOKEN CSRF_TOKEN".  Thread t of FORUM_THREADS (wrk -t) takes
-- every T-th poster, starting at FORUM_FROM (run.sh gives every run other
-- posters: the forum allows 20 posts a minute per person) and cycles over
-- them.  Each reply goes to a thread drawn in [FORUM_FIRST, FORUM_LAST].
--
--   FORUM_MODE=post  POST /api/v1/runs/RUN/forum/threads/TID/posts {"body"}
--   FORUM_MODE=noop  POST /api/v1/orgs/fbench/events?dry_run=1 with the same
--                    cookie and token: authenticated, CSRF-checked, parsed,
--                    nothing stored.
--
-- Responses are counted per HTTP status, printed as "status <code> <count>" (bench/statuses.lua).

local mode = os.getenv("FORUM_MODE") or "post"
local run = os.getenv("FORUM_RUN") or "1"
local first = tonumber(os.getenv("FORUM_FIRST") or "2")
local last = tonumber(os.getenv("FORUM_LAST") or "2")
local from = tonumber(os.getenv("FORUM_FROM") or "0")
local count = tonumber(os.getenv("FORUM_COUNT") or "0")
local ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, response, done = shared.setup, shared.response, shared.done

function init(args)
    shared.init()
    local nth = tonumber(os.getenv("FORUM_THREADS") or "1")
    local me = (tid or 1) - 1
    mine = {}
    local f = assert(io.open(os.getenv("FORUM_LINES"), "r"))
    local i = -1
    for line in f:lines() do
        i = i + 1
        if i >= from and (count == 0 or i < from + count) and (i - from) % nth == me then
            local tok, csrf = line:match("^(%S+) (%S+)$")
            table.insert(mine, { cookie = "lectern_session=" .. tok, csrf = csrf })
        end
    end
    f:close()
    if #mine == 0 then error("forum.lua: no lines for this thread") end
    math.randomseed(me * 7919 + from)
    n = 0
end

function request()
    n = n + 1
    local l = mine[((n - 1) % #mine) + 1]
    local h = { ["Cookie"] = l.cookie, ["X-CSRF-Token"] = l.csrf, ["Content-Type"] = "application/json",
                ["User-Agent"] = ua }
    if mode == "post" then
        local t = math.random(first, last)
        return wrk.format("POST", "/api/v1/runs/" .. run .. "/forum/threads/" .. t .. "/posts", h,
                          '{"body":"A reply of the benchmark, a few words long: kalomi sarutu ruvobe, number ' .. n .. '."}')
    end
    return wrk.format("POST", "/api/v1/orgs/fbench/events?dry_run=1", h,
                      '{"verb":"viewed","object":"unit/' .. (n % 50 + 1) .. '"}')
end
