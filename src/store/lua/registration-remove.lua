-- ARGV: prefix, user, and what the caller saw: 'lapsed' and a time in ms (the
-- registration had expired by then), 'contact' and a contact (the phone's, as
-- dialled or as registered), or 'any'. Removes the registration only if it is
-- still that one: a phone that registered again meanwhile keeps its binding.
local user, seen, arg = ARGV[2], ARGV[3], ARGV[4]
local key, expiries = P .. 'reg:' .. user, P .. 'reg-expiries'
if seen == 'lapsed' then
  local expires = redis.call('ZSCORE', expiries, user)
  if not expires or tonumber(expires) > tonumber(arg) then return 0 end
elseif seen == 'contact' then
  local f = redis.call('HMGET', key, 'contact', 'phoneContact')
  if f[1] ~= arg and f[2] ~= arg then return 0 end
end
redis.call('DEL', key)
redis.call('ZREM', expiries, user)
return 1
