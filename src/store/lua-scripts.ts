import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';

// Each script is lib.lua followed by its own body; ioredis sends it by SHA
// after the first call. Scripts build their keys from the prefix in ARGV[1],
// so they need one Redis (not a cluster).

const SCRIPTS = ['person-save', 'person-delete', 'presence-set', 'claim', 'claim-renew', 'claim-release', 'lease-sweep',
  'projection-apply', 'wrapup-hold', 'wrapup-posted', 'event-append', 'escalation-slot-free', 'webhook-lease', 'webhook-advance',
  'registration-save', 'registration-current', 'registration-remove', 'failed-login'] as const;
export type ScriptName = (typeof SCRIPTS)[number];

const read = (name: string) => readFileSync(join(__dirname, 'lua', `${name}.lua`), 'utf8');

let sources: Map<ScriptName, string> | undefined;

function scriptSources(): Map<ScriptName, string> {
  if (!sources) {
    const lib = read('lib');
    sources = new Map(SCRIPTS.map((name) => [name, `${lib}\n${read(name)}`]));
  }
  return sources;
}

type ScriptReply = string | number | null | ScriptReply[];

export class LuaScripts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    for (const [name, lua] of scriptSources()) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    }
  }

  run(name: ScriptName, ...args: (string | number)[]): Promise<ScriptReply> {
    const command = (this.redis as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<ScriptReply>>)[name];
    return command.call(this.redis, this.prefix, ...args);
  }
}
