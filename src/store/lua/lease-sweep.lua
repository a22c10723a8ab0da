-- ARGV: prefix, limit. Returns released {claim id, person id, ...}.
return sweep_expired(now_ms(), ARGV[2])
