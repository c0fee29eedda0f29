-- statuses.lua — what the wrk scripts of `make bench` share: each thread is
-- told its number (the global `tid`, from 1), every thread counts its
-- responses per HTTP status (the global `statuses`), and at the end one
-- line "status <code> <count>" per status, over all threads, is printed for
-- bench/run.sh to read.  A script loads it beside itself:
--
--   local shared = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")
--   setup, response, done = shared.setup, shared.response, shared.done
--
-- and calls shared.init() first thing in its own init().

local M = {}
local threads = {}

function M.setup(thread)
    table.insert(threads, thread)
    thread:set("tid", #threads)
end

function M.init()
    statuses = {}
end

function M.response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function M.done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local s = t:get("statuses")
        if s then
            for code, k in pairs(s) do total[code] = (total[code] or 0) + k end
        end
    end
    local codes = {}
    for code in pairs(total) do table.insert(codes, code) end
    table.sort(codes)
    for _, code in ipairs(codes) do
        io.write(string.format("status %d %d\n", code, total[code]))
    end
end

return M
