-- paths.lua — wrk script for `make bench` (h) and (i): GET, rotating over
-- the space-separated paths of BENCH_PATHS (e.g. catalog searches for
-- different words), starting at a different one in every thread.

local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
    table.insert(paths, p)
end
local threads = 0
local n = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

function init(args)
    if #paths == 0 then error("BENCH_PATHS is empty") end
    n = tid or 0
end

function request()
    n = n + 1
    return wrk.format(nil, paths[(n % #paths) + 1])
end
