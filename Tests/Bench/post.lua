-- wrk script: POST, as the form does, the urlencoded bodies in $BENCH_BODY_FILE, one a line.
-- Every body carries its own single-use form token, so each thread takes every Nth line
-- (N = $BENCH_THREADS) and no body is sent twice until the file runs out.
local created = 0
function setup(thread)
  created = created + 1
  thread:set("id", created)
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("BENCH_BODY_FILE")) do bodies[#bodies + 1] = line end
  step = tonumber(os.getenv("BENCH_THREADS"))
  index = id
end

function request()
  local body = bodies[index]
  index = index + step
  if index > #bodies then index = id end
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
