-- sign.lua — wrk script for `make bench` part "signers": learners signing
-- one live session through their personal links, signed out, as a phone
-- does after opening the e-mailed link: POST /sign/TOKEN with the anonymous
-- cookie and its CSRF token, and the drawn strokes (form-encoded).
--
-- SIGN_LINES is the file `lectern bench-attendance-seed --out` wrote: a
-- first line "#strokes BODY" (the strokes, form-encoded), then one line per
-- link "ROUND LINK_TOKEN ANON_COOKIE CSRF_TOKEN".  This run uses the lines of
-- round SIGN_ROUND (one session: a link signs once); thread t of
-- SIGN_THREADS takes every T-th of them.  Once a thread has handed out all
-- its lines, delay() holds its connections (an hour): bench/run.sh stops wrk
-- with SIGINT when every signature is in the database, so the latency
-- figures are those of the signatures alone.
--
-- Responses are counted per HTTP status and printed at the end as
-- "status <code> <count>" lines (bench/statuses.lua).

local round = os.getenv("SIGN_ROUND") or "0"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, response, done = shared.setup, shared.response, shared.done

function init(args)
    shared.init()
    local nth = tonumber(os.getenv("SIGN_THREADS") or "1")     -- wrk -t, from run.sh
    local me = (tid or 1) - 1
    mine = {}
    local f = assert(io.open(os.getenv("SIGN_LINES"), "r"))
    local i = -1
    for line in f:lines() do
        if line:sub(1, 9) == "#strokes " then
            strokes = line:sub(10)
        else
            local r, link, anon, csrf = line:match("^(%S+) (%S+) (%S+) (%S+)$")
            if r == round then
                i = i + 1
                if i % nth == me then
                    table.insert(mine, { path = "/sign/" .. link, cookie = "lectern_anon=" .. anon, csrf = csrf })
                end
            end
        end
    end
    f:close()
    if #mine == 0 then error("sign.lua: no lines for this thread") end
    -- wrk calls the first thread's request() once before the run, to check
    -- it (script_verify_request): that call must not use up a link.
    n = (tid or 1) == 1 and -1 or 0
    reserved = 0
end

-- delay() runs before every request() of a connection: it hands out the
-- lines, so that no two connections send the same one (a link signs once).
function delay()
    if reserved >= #mine then return 3600000 end
    reserved = reserved + 1
    return 0
end

function request()
    n = n + 1
    local l = mine[n] or mine[1]
    local h = { ["Cookie"] = l.cookie, ["Content-Type"] = "application/x-www-form-urlencoded",
                ["User-Agent"] = wrk.headers["User-Agent"] }
    return wrk.format("POST", l.path, h, "_csrf=" .. l.csrf .. "&strokes=" .. strokes)
end
