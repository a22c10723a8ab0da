-- ARGV: prefix, user, contact (where its INVITEs go), expiresMs, now (ms),
-- info (JSON, lib.lua: registration_read), the phone's +sip.instance ('' when it
-- sends none), and how many phones a user may register.
-- Saves one phone's binding; the user's others stay. Lapsed ones go, and so does
-- an older binding of the same phone (same instance: it restarted behind a NAT
-- that gave it another port, say). Past the maximum, the bindings that lapse
-- first go. Returns the user's bindings, as registration_current does.
local user, contact, expires, now, info, instance, max =
  ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], ARGV[7], tonumber(ARGV[8])
local bindings, infos = registration_read(user, true)
local count = 0
for c, e in pairs(bindings) do
  if c ~= contact and (e <= now or (instance ~= '' and registration_info(infos, c, 'instance') == instance)) then
    bindings[c], infos[c] = nil, nil
  elseif c ~= contact then
    count = count + 1
  end
end
while count >= max do
  local first
  for c, e in pairs(bindings) do
    if c ~= contact and (not first or e < bindings[first] or (e == bindings[first] and c < first)) then first = c end
  end
  bindings[first], infos[first] = nil, nil
  count = count - 1
end
bindings[contact], infos[contact] = expires, info
registration_write(user, bindings, infos)
return registration_current(user, now)
