-- range.lua — wrk script for `make bench` (e): GETs the URL's path with a
-- Range header asking for a random slice of RANGE_LEN bytes (1 MiB) of a
-- file of RANGE_FILE_SIZE bytes (both from the environment).  Every wrk
-- thread seeds its generator from its number, so lectern and nginx are asked
-- for the same ranges in the same order.  There is deliberately no
-- response() function: with one, wrk would copy every 1 MiB body into Lua
-- and become the bottleneck.  bench/run.sh checks the 206 answers with curl.

local size = tonumber(os.getenv("RANGE_FILE_SIZE") or "0")
local len = tonumber(os.getenv("RANGE_LEN") or "1048576")
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

function init(args)
    math.randomseed(4242 + (tid or 0))
    if size < len then error("RANGE_FILE_SIZE must be at least RANGE_LEN") end
end

function request()
    local first = math.random(0, size - len)
    wrk.headers["Range"] = string.format("bytes=%d-%d", first, first + len - 1)
    return wrk.format()
end
