import type Redis from 'ioredis';
import { currentContact } from '../domain/person';
import type { Registration } from '../services/ports/telephony';
import { keys } from './keys';
import { LuaScripts } from './lua-scripts';

/** Desk phones' current contacts, with their expiry. */
export class RegistrationStore {
  private readonly key: (user: string) => string;
  private readonly expiriesKey: string;
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = keys(prefix).registration;
    this.expiriesKey = keys(prefix).registrationExpiries;
    this.scripts = new LuaScripts(redis, prefix);
  }

  async save(registration: Registration, nowMs = Date.now()): Promise<void> {
    const expiresMs = nowMs + registration.expiresSec * 1000;
    await this.redis
      .multi()
      .hset(this.key(registration.user), {
        contact: registration.contact,
        phoneContact: registration.phoneContact ?? '',
        expiresMs,
        userAgent: registration.userAgent ?? '',
      })
      .zadd(this.expiriesKey, expiresMs, registration.user)
      .exec();
  }

  async contactOf(user: string, nowMs = Date.now()): Promise<string | undefined> {
    const [contact, expiresMs] = await this.redis.hmget(this.key(user), 'contact', 'expiresMs');
    return currentContact({ contact: contact ?? '', expiresMs: Number(expiresMs) }, nowMs);
  }

  /** Removes the registration if it is (still) this contact, as dialled or as the phone registered it; any when none is given. */
  async remove(user: string, contact?: string): Promise<boolean> {
    return (await this.scripts.run('registration-remove', user, ...(contact ? ['contact', contact] : ['any']))) === 1;
  }

  /** Users whose registration has lapsed. */
  expired(nowMs = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.expiriesKey, '-inf', nowMs, 'LIMIT', 0, 500);
  }

  /** Removes the registration if it had lapsed by then, and not been renewed since (expired() read it before). */
  async removeLapsed(user: string, nowMs: number): Promise<boolean> {
    return (await this.scripts.run('registration-remove', user, 'lapsed', nowMs)) === 1;
  }
}
