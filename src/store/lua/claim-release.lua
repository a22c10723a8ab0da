-- ARGV: prefix, claim id. Returns the person id, or nil if already gone.
return release_claim(ARGV[2])
