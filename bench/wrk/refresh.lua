-- Refresh token grant from a pool of refresh tokens (file WRK_TOKENS, one a line). A server
-- that rotates them returns a new one, which goes back into the pool; one that does not
-- (LemonLDAP::NG 2.16) keeps the same token valid, which goes back instead.
dofile(os.getenv("WRKDIR") .. "/common.lua")
local pool, inflight = {}, {}
for line in io.lines(os.getenv("WRK_TOKENS")) do table.insert(pool, line) end
local auth, host, path = os.getenv("WRK_AUTH"), os.getenv("WRK_HOST"), os.getenv("WRK_PATH")
request = function()
  local token = table.remove(pool, 1)
  if token == nil then token = "exhausted" end
  table.insert(inflight, token)
  return wrk.format("POST", path, {["Host"] = host, ["Authorization"] = auth,
      ["Content-Type"] = "application/x-www-form-urlencoded"},
    "grant_type=refresh_token&refresh_token=" .. token)
end
on_response = function(status, headers, body)
  local used = table.remove(inflight, 1)
  local fresh = body and string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if fresh then table.insert(pool, fresh) elseif status == 200 then table.insert(pool, used) end
end
