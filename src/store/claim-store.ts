import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Criteria } from '../domain/matching';
import type { DeskRegistration } from '../domain/person';
import { type Keys, keys } from './keys';
import { LuaScripts } from './lua-scripts';
import { phonesOf } from './registration-store';
import { ScriptBatch } from './script-batch';

export interface Claim {
  claimId: string;
  personId: string;
  expiresAt: string;
  /**
   * Their stored profile as the claim read it (decode with storedPerson), when
   * asked for by whoever dials them at once.
   */
  profile?: string;
  /** With the profile: their desk user's registered phones as the claim read them, when they have a desk user. */
  deskPhone?: DeskRegistration;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** lua/claim.lua's reply for one request: person, expiry[, profile, desk user, [contact, its expiry, …]]. */
type ClaimReply = [string, number, string?, string?, string[]?];

/** Leases on people: match + claim in one atomic script, renew, release, sweep. */
export class ClaimStore {
  private readonly scripts: LuaScripts;
  private readonly k: Keys;
  /** Each request's arguments to lua/claim.lua, its claim id first. */
  private readonly claims = new ScriptBatch<(string | number)[], ClaimReply | null>(async (requests) => {
    return (await this.scripts.run('claim', requests.length, ...requests.flat())) as (ClaimReply | null)[];
  });
  private readonly releases = new ScriptBatch<string, string | null>(async (claimIds) => {
    return (await this.scripts.run('claim-release', ...claimIds)) as (string | null)[];
  });

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.scripts = new LuaScripts(redis, prefix);
    this.k = keys(prefix);
  }

  /**
   * Claims the longest-idle claimable match, or returns undefined when none.
   * `withProfile` also reads their profile and desk phone, for a caller about to dial them.
   */
  async claim(criteria: Criteria, leaseMs: number, meta: Record<string, unknown> = {}, withProfile = false): Promise<Claim | undefined> {
    const claimId = randomUUID();
    const reply = await this.claims.add([
      claimId,
      leaseMs,
      criteria.role,
      criteria.language ?? '',
      criteria.exclude.length ? `,${criteria.exclude.join(',')},` : '',
      JSON.stringify(meta),
      criteria.personId ?? '',
      withProfile ? '1' : '',
      criteria.skills.length,
      ...criteria.skills.flatMap((s) => [s.name, s.minLevel]),
    ]);
    if (!reply) return undefined;
    const [personId, expiresMs, profile, deskUser, phones] = reply;
    const claim: Claim = { claimId, personId, expiresAt: iso(expiresMs), profile };
    if (deskUser) claim.deskPhone = { user: deskUser, phones: phonesOf(phones ?? []) };
    return claim;
  }

  /** New expiry, or undefined when the claim is gone (released or lapsed). */
  async renew(claimId: string, leaseMs: number): Promise<string | undefined> {
    const expires = (await this.scripts.run('claim-renew', claimId, leaseMs)) as number | null;
    return expires === null ? undefined : iso(expires);
  }

  /** The person released, or undefined if the claim was already gone. Idempotent. */
  async release(claimId: string): Promise<string | undefined> {
    return (await this.releases.add(claimId)) ?? undefined;
  }

  /** Releases lapsed leases; returns what it released. */
  async sweep(limit = 500): Promise<{ claimId: string; personId: string }[]> {
    const flat = (await this.scripts.run('lease-sweep', limit)) as string[];
    const out: { claimId: string; personId: string }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ claimId: flat[i] as string, personId: flat[i + 1] as string });
    return out;
  }

  /** The claim while it holds (its stored meta is for people reading Redis; nothing here reads it). */
  async get(claimId: string): Promise<Claim | undefined> {
    const [personId, expiresMs] = await this.redis.hmget(this.k.claim(claimId), 'personId', 'expiresMs');
    if (!personId || Number(expiresMs) <= Date.now()) return undefined;
    return { claimId, personId, expiresAt: iso(expiresMs ?? 0) };
  }
}
