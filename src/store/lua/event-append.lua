-- ARGV: prefix, max length, type, at, data (JSON). Appends the event to the
-- stream and announces it on the live channel in one round trip; returns the id.
-- The announcement is the LoggedEvent as JSON: {"id","type","at","data"}.
local id = redis.call('XADD', P .. 'events', 'MAXLEN', '~', ARGV[2], '*', 'type', ARGV[3], 'at', ARGV[4], 'data', ARGV[5])
redis.call('PUBLISH', P .. 'events-live',
  '{"id":' .. cjson.encode(id) .. ',"type":' .. cjson.encode(ARGV[3]) .. ',"at":' .. cjson.encode(ARGV[4]) .. ',"data":' .. ARGV[5] .. '}')
return id
