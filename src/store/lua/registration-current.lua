-- ARGV: prefix, user, now (ms). The user's registered phones that have not
-- lapsed, as registration_current returns them.
return registration_current(ARGV[2], tonumber(ARGV[3]))
