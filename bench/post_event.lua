-- post_event.lua — wrk script for `make bench` (c) and (d).
-- POSTs one learning event as JSON; the bearer token comes from the command
-- line (-H "Authorization: Bearer ...").  Counts responses per HTTP status in
-- every thread and prints them at the end as "status <code> <count>" lines,
-- so run.sh can compare the number of 201s with the rows in the database.
-- Used identically for (c) and (d), so both pay the same Lua cost.

wrk.method = "POST"
wrk.body = '{"verb":"viewed","object":"unit/1"}'
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local s = t:get("statuses")
        if s then
            for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
        end
    end
    local codes = {}
    for code in pairs(total) do table.insert(codes, code) end
    table.sort(codes)
    for _, code in ipairs(codes) do
        io.write(string.format("status %d %d\n", code, total[code]))
    end
end
