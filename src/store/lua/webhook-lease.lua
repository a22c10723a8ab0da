-- Takes or renews an instance's lease on one webhook URL: only the holder posts
-- that URL's events, so instances do not post the same events side by side.
-- ARGV: prefix, url id, owner, lease ms ('0' gives the lease up).
-- The first lease ever taken on a URL starts its cursor at the log's end: a
-- new receiver gets the events from then on, not the whole history.
-- Returns 1 while the caller holds the lease, else 0.
local owner_key = P .. 'webhook:' .. ARGV[2] .. ':owner'
local cursor_key = P .. 'webhook:' .. ARGV[2] .. ':cursor'
local holder = redis.call('GET', owner_key)
if ARGV[4] == '0' then
  if holder == ARGV[3] then redis.call('DEL', owner_key) end
  return 0
end
if holder and holder ~= ARGV[3] then return 0 end
redis.call('SET', owner_key, ARGV[3], 'PX', ARGV[4])
if redis.call('EXISTS', cursor_key) == 0 then
  local last = redis.call('XREVRANGE', P .. 'events', '+', '-', 'COUNT', 1)[1]
  redis.call('SET', cursor_key, last and last[1] or '0-0')
end
return 1
