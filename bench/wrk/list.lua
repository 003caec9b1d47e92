-- A POST per item of a pre-minted list, each item used once: refresh tokens (a rotating server
-- revokes a token once used) and authorization codes (single use). WRK_LIST is the file, one item
-- a line; WRK_BODY the form body, where {item} stands for the item; WRK_PATH, WRK_HOST, WRK_AUTH
-- as in request.lua. When the list runs out the thread stops, answers still on their way are not
-- counted, and common.lua's SPAN_S (first request to last counted answer) gives the rate.
dofile(os.getenv("WRKDIR") .. "/common.lua")
local items, next_item = {}, 1
for line in io.lines(os.getenv("WRK_LIST")) do
  if line ~= "" then table.insert(items, line) end
end
local path, template = os.getenv("WRK_PATH"), os.getenv("WRK_BODY")
local headers = {["Host"] = os.getenv("WRK_HOST"), ["Authorization"] = os.getenv("WRK_AUTH"),
  ["Content-Type"] = "application/x-www-form-urlencoded"}
request = function()
  local item = items[next_item]
  if item == nil then
    -- wrk must send something: an unusable item, whose answer is not counted
    if not stopped then
      stopped = true
      wrk.thread:stop()
    end
    item = "exhausted"
  end
  next_item = next_item + 1
  local body = string.gsub(template, "{item}", function() return item end)
  return wrk.format("POST", path, headers, body)
end
