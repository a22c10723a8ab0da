-- ARGV: prefix, claim id, lease ms. Returns the new expiresMs, or nil when the
-- claim is gone (released, or its lease lapsed before this renewal).
local claim_id, lease = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local key = P .. 'claim:' .. claim_id
local expires_ms = redis.call('HGET', key, 'expiresMs')
if not expires_ms then return nil end
if tonumber(expires_ms) <= now then
  release_claim(claim_id)
  return nil
end
local expires = now + lease
redis.call('HSET', key, 'expiresMs', int(expires))
redis.call('ZADD', P .. 'leases', int(expires), claim_id)
return expires
