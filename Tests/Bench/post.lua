-- wrk script: POST, as the form does, the urlencoded bodies in $BENCH_BODY_FILE, one a line.
-- Every body carries its own single-use form token, so thread k of N ($BENCH_THREADS) keeps
-- lines k, k+N, k+2N, … and no body is sent twice until its share runs out.
local created = 0
function setup(thread)
  created = created + 1
  thread:set("id", created)
end

function init(args)
  local step = tonumber(os.getenv("BENCH_THREADS"))
  bodies = {}
  local number = 0
  for line in io.lines(os.getenv("BENCH_BODY_FILE")) do
    if number % step == id - 1 then bodies[#bodies + 1] = line end
    number = number + 1
  end
  index = 0
end

function request()
  index = index % #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, bodies[index])
end
