-- The wrap-up timer of a person ran out (or a sweep looks again): keep them in
-- wrap-up while a required wrap-up is still open, else let them go.
-- Open wrap-ups: P..'wrapup-open:'..id, call ids scored by the window's end.
-- ARGV: prefix, person id, now (ms). Returns 1 (held) or 0 (free to go).
local id, now = ARGV[2], ARGV[3]
local open = P .. 'wrapup-open:' .. id
redis.call('ZREMRANGEBYSCORE', open, '-inf', now)
if redis.call('ZCARD', open) > 0 then
  redis.call('SADD', P .. 'wrapup-held', id)
  return 1
end
redis.call('SREM', P .. 'wrapup-held', id)
return 0
