-- ARGV: prefix, user, and what the caller saw: 'lapsed' and a time in ms (the
-- bindings that had expired by then), 'contact', a contact (the phone's, as
-- dialled or as registered) and the NAT's address the phone is behind ('' for
-- any; a binding as registered matches only at that address), or 'any' (all
-- the user's phones).
-- Removes only those: a phone that registered again meanwhile keeps its binding.
-- Returns 0 when nothing was removed, 1 when the user has no phone left, 2 when
-- some other phone is still registered.
local user, seen, arg, nat = ARGV[2], ARGV[3], ARGV[4], ARGV[5] or ''
-- Whether a contact as we dial it is at the NAT: its host, after a user part or
-- with none (sip:203.0.113.7:40312), is that address with a port.
local function at_nat(c)
  local host = string.match(c, '^[^:]+:[^@;>?]*@([^;>?]+)') or string.match(c, '^[^:]+:([^;>?]+)') or ''
  return string.sub(host, 1, #nat + 1) == nat .. ':'
end
local bindings, infos = registration_read(user, true)
local removed = false
for c, e in pairs(bindings) do
  if seen == 'any' or (seen == 'lapsed' and e <= tonumber(arg))
    or (seen == 'contact' and (c == arg or (registration_info(infos, c, 'phoneContact') == arg
      and (nat == '' or at_nat(c))))) then
    bindings[c], infos[c] = nil, nil
    removed = true
  end
end
if not removed then
  -- The expiry set may have said 'lapsed' after a phone's refresh: it follows the bindings again.
  if seen == 'lapsed' then registration_schedule(user, bindings) end
  return 0
end
registration_write(user, bindings, infos)
return next(bindings) and 2 or 1
