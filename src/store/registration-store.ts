import type Redis from 'ioredis';
import type { PhoneBinding } from '../domain/person';
import type { Registration } from '../services/ports/telephony';
import { keys } from './keys';
import { LuaScripts } from './lua-scripts';

/**
 * How many phones one desk user may register (a desk phone, a softphone, a
 * DECT handset …). Past it, the binding that lapses first goes: most likely
 * a phone that restarted under another address and left its old one behind.
 */
export const MAX_PHONES_PER_USER = 5;

/** What became of a user's phones after a removal. */
export type Removal = 'none_removed' | 'last_phone_gone' | 'others_remain';
const REMOVALS: readonly Removal[] = ['none_removed', 'last_phone_gone', 'others_remain'];

/** Reads registration_current's flat reply: contact, expiry, contact, expiry … */
export function phonesOf(flat: readonly (string | number)[]): PhoneBinding[] {
  const phones: PhoneBinding[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) phones.push({ contact: String(flat[i]), expiresMs: Number(flat[i + 1]) });
  return phones;
}

/** Desk users' registered phones, with their expiry (the scripts keep them: lua/lib.lua). */
export class RegistrationStore {
  private readonly expiriesKey: string;
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.expiriesKey = keys(prefix).registrationExpiries;
    this.scripts = new LuaScripts(redis, prefix);
  }

  /** Saves one phone's binding beside the user's others; returns them all, freshest first. */
  async save(registration: Registration, nowMs = Date.now()): Promise<PhoneBinding[]> {
    const { user, contact, phoneContact, instance, userAgent, expiresSec } = registration;
    const info = JSON.stringify({ phoneContact: phoneContact ?? '', instance: instance ?? '', userAgent: userAgent ?? '' });
    const reply = await this.scripts.run('registration-save', user, contact, nowMs + expiresSec * 1000, nowMs, info, instance ?? '', MAX_PHONES_PER_USER);
    return phonesOf(reply as string[]);
  }

  /** The user's phones that have not lapsed, freshest first. */
  async phonesOf(user: string, nowMs = Date.now()): Promise<PhoneBinding[]> {
    return phonesOf((await this.scripts.run('registration-current', user, nowMs)) as string[]);
  }

  /** The contacts of the user's phones that have not lapsed, freshest first. */
  async contactsOf(user: string, nowMs = Date.now()): Promise<string[]> {
    return (await this.phonesOf(user, nowMs)).map((phone) => phone.contact);
  }

  /**
   * Removes the phone with this contact: as dialled, or as it registered it,
   * then only a binding at natAddress when given (two phones of one user behind
   * two NATs may know themselves by the same private contact). Every phone of
   * the user when no contact is given.
   */
  async remove(user: string, contact?: string, natAddress?: string): Promise<Removal> {
    const which = contact ? ['contact', contact, natAddress ?? ''] : ['any'];
    return this.removal(await this.scripts.run('registration-remove', user, ...which));
  }

  /** Users with a registration that has lapsed. */
  expired(nowMs = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.expiriesKey, '-inf', nowMs, 'LIMIT', 0, 500);
  }

  /** Removes the user's phones that had lapsed by then and not registered again since (expired() read them before). */
  async removeLapsed(user: string, nowMs: number): Promise<Removal> {
    return this.removal(await this.scripts.run('registration-remove', user, 'lapsed', nowMs));
  }

  private removal(reply: unknown): Removal {
    return REMOVALS[Number(reply)] ?? 'none_removed';
  }
}
