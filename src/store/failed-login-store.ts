import type Redis from 'ioredis';
import { DEFAULT_FAILED_LOGIN_LIMITS, type FailedLoginBlock, type FailedLoginLimits } from '../domain/failed-logins';
import type { FailedLoginCounter } from '../services/ports/telephony';
import { type Keys, keys } from './keys';
import { LuaScripts } from './lua-scripts';

/**
 * Wrong desk-phone passwords, counted in Redis: drachtio-server hands each
 * REGISTER to any connected instance, so counts kept by each alone would let
 * a guesser try as many times over as there are instances. The counts and
 * blocks expire on their own.
 */
export class FailedLoginStore implements FailedLoginCounter {
  private readonly keys: Keys;
  private readonly scripts: LuaScripts;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly limits: FailedLoginLimits = DEFAULT_FAILED_LOGIN_LIMITS,
  ) {
    this.keys = keys(prefix);
    this.scripts = new LuaScripts(redis, prefix);
  }

  async blocked(address: string, user?: string): Promise<boolean> {
    const blocks = [this.keys.loginBlock(address), ...(user === undefined ? [] : [this.keys.loginBlock(`${address} ${user}`)])];
    return (await this.redis.exists(...blocks)) > 0;
  }

  async failed(address: string, user: string): Promise<FailedLoginBlock | undefined> {
    const { perAddress, perUser, windowMs, blockMs } = this.limits;
    const userAtAddress = `${address} ${user}`;
    const reply = await this.scripts.run(
      'failed-login',
      this.keys.loginFailures(address),
      this.keys.loginBlock(address),
      this.keys.loginFailures(userAtAddress),
      this.keys.loginBlock(userAtAddress),
      perAddress,
      perUser,
      windowMs,
      blockMs,
    );
    return reply === 'address' || reply === 'user' ? reply : undefined;
  }

  async succeeded(address: string, user: string): Promise<void> {
    await this.redis.del(this.keys.loginFailures(`${address} ${user}`));
  }
}
