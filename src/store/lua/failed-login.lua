-- ARGV: prefix, then for the address and for the user at that address (in
-- that order) its failure counter's key and its block's key, then the
-- address's limit, the user's limit, the window and the block time (ms).
-- Counts one wrong password: first for the address, then, unless that blocked
-- it, for the user there. A count starts its window at its first failure;
-- reaching its limit blocks for the block time and starts the count afresh.
-- Returns 'address' or 'user' when this failure blocked that, else ''.
local addressLimit, userLimit = tonumber(ARGV[6]), tonumber(ARGV[7])
local window, block = tonumber(ARGV[8]), tonumber(ARGV[9])

local function fail(counter, blocked, limit)
  local failures = redis.call('INCR', counter)
  if failures == 1 then redis.call('PEXPIRE', counter, window) end
  if failures < limit then return false end
  redis.call('SET', blocked, '1', 'PX', block)
  redis.call('DEL', counter)
  return true
end

if fail(ARGV[2], ARGV[3], addressLimit) then return 'address' end
if fail(ARGV[4], ARGV[5], userLimit) then return 'user' end
return ''
