-- One fixed request, from the environment: WRK_METHOD, WRK_PATH, WRK_HOST, WRK_AUTH, WRK_BODY.
dofile(os.getenv("WRKDIR") .. "/common.lua")
wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.path = os.getenv("WRK_PATH")
wrk.headers["Host"] = os.getenv("WRK_HOST")
if os.getenv("WRK_AUTH") then wrk.headers["Authorization"] = os.getenv("WRK_AUTH") end
if os.getenv("WRK_BODY") then
  wrk.body = os.getenv("WRK_BODY")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
