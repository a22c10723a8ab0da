import type Redis from 'ioredis';
import { currentContact } from '../domain/person';
import type { Registration } from '../services/ports/telephony';
import { keys } from './keys';

/** Desk phones' current contacts, with their expiry. */
export class RegistrationStore {
  private readonly key: (user: string) => string;
  private readonly expiriesKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = keys(prefix).registration;
    this.expiriesKey = `${prefix}reg-expiries`;
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
    if (contact && !(await this.redis.hmget(this.key(user), 'contact', 'phoneContact')).includes(contact)) return false;
    await this.redis.multi().del(this.key(user)).zrem(this.expiriesKey, user).exec();
    return true;
  }

  /** Users whose registration has lapsed. */
  expired(nowMs = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.expiriesKey, '-inf', nowMs, 'LIMIT', 0, 500);
  }
}
