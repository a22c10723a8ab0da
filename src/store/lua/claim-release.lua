-- ARGV: prefix, then claim ids (see script-batch.ts). Returns per claim the
-- person released, or false if the claim was already gone.
local released = {}
for i = 2, #ARGV do released[i - 1] = release_claim(ARGV[i]) or false end
return released
