-- wrk script: POST the urlencoded body in $BENCH_BODY_FILE to the given URL, as the form does.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()
