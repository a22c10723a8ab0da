-- A wrap-up was posted: close it; if it was the last one open and the timer
-- already ran out, the person may go (the caller makes them available).
-- Atomic with wrapup-hold.lua, so a post racing the timer is never lost.
-- ARGV: prefix, person id, call id, now (ms). Returns 1 (release now) or 0.
local id, call, now = ARGV[2], ARGV[3], ARGV[4]
local open = P .. 'wrapup-open:' .. id
redis.call('ZREM', open, call)
redis.call('ZREMRANGEBYSCORE', open, '-inf', now)
if redis.call('ZCARD', open) > 0 then return 0 end
return redis.call('SREM', P .. 'wrapup-held', id)
