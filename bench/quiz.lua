-- quiz.lua — wrk script for `make bench` part "quiz": (q) quiz submissions
-- and (r) the same server's no-op POST, as many learners.
--
-- QUIZ_LINES is the file `lectern bench-quiz-seed --out` wrote: a first line
-- "#body JSON" (the submission body), then one line per learner
-- "SESSION_TOKEN CSRF_TOKEN PATH", PATH the API route that submits that
-- learner's attempt in progress.  Each submission is a different learner's
-- attempt, so this run uses the lines [QUIZ_FROM, QUIZ_FROM + QUIZ_COUNT)
-- (bench/run.sh gives every run a slice of its own: an attempt is submitted
-- once); thread t of T takes every T-th line of the slice.  A slice used up
-- starts again, and the server then answers 409 already_submitted, which
-- run.sh reports as unexpected statuses.
--
--   QUIZ_MODE=submit  POST PATH with the learner's cookie, X-CSRF-Token and
--                     the body: the server grades ten questions, stores the
--                     answers and a ledger entry, in one transaction.
--   QUIZ_MODE=survey  POST SURVEY_PATH (the run's satisfaction survey) with
--                     the learner's cookie, token and SURVEY_BODY: the
--                     response, its answers and a ledger entry, in one
--                     transaction (part quiz, line (y)).
--   QUIZ_MODE=noop    POST /api/v1/orgs/benchq/events?dry_run=1 with the same
--                     cookie and token and a small JSON body: authenticated,
--                     CSRF-checked, parsed, nothing stored.
--
-- Responses are counted per HTTP status and printed at the end as
-- "status <code> <count>" lines (bench/statuses.lua).

local mode = os.getenv("QUIZ_MODE") or "submit"
local from = tonumber(os.getenv("QUIZ_FROM") or "0")
local count = tonumber(os.getenv("QUIZ_COUNT") or "0")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
setup, response, done = shared.setup, shared.response, shared.done

function init(args)
    shared.init()
    local nth = tonumber(os.getenv("QUIZ_THREADS") or "1")     -- wrk -t, from run.sh
    local me = (tid or 1) - 1
    mine = {}
    local f = assert(io.open(os.getenv("QUIZ_LINES"), "r"))
    local i = -1
    for line in f:lines() do
        if line:sub(1, 6) == "#body " then
            body = line:sub(7)
        else
            i = i + 1
            if i >= from and (count == 0 or i < from + count) and (i - from) % nth == me then
                local tok, csrf, path = line:match("^(%S+) (%S+) (%S+)$")
                table.insert(mine, { cookie = "lectern_session=" .. tok, csrf = csrf, path = path })
            end
        end
    end
    f:close()
    if #mine == 0 then error("quiz.lua: no lines for this thread") end
    n = 0
end

function request()
    n = n + 1
    local l = mine[((n - 1) % #mine) + 1]
    -- (a headers table of its own replaces wrk.headers: repeat them)
    local h = { ["Cookie"] = l.cookie, ["X-CSRF-Token"] = l.csrf, ["Content-Type"] = "application/json",
                ["User-Agent"] = wrk.headers["User-Agent"] }
    if mode == "submit" then
        return wrk.format("POST", l.path, h, body)
    end
    if mode == "survey" then
        return wrk.format("POST", os.getenv("SURVEY_PATH"), h, os.getenv("SURVEY_BODY"))
    end
    return wrk.format("POST", "/api/v1/orgs/benchq/events?dry_run=1", h,
                      '{"verb":"viewed","object":"unit/' .. (n % 50 + 1) .. '"}')
end
