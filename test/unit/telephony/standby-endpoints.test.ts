import type { OpenedEndpoint } from '../../../src/telephony/media-servers';
import { nameStandbyEndpoint, StandbyEndpoints, type StandbyEndpointsOptions } from '../../../src/telephony/standby-endpoints';
import { deferred, FakeEndpoint, flush, silentLog } from './fakes';

/** FreeSWITCH making endpoints: each creation waits until the test settles it. */
class FakeFactory {
  readonly pending: ReturnType<typeof deferred<OpenedEndpoint>>[] = [];
  readonly released: string[] = [];
  readonly discarded: string[] = [];

  create = jest.fn(() => {
    const creation = deferred<OpenedEndpoint>();
    this.pending.push(creation);
    return creation.promise;
  });

  discard = jest.fn(async (opened: OpenedEndpoint) => {
    this.discarded.push(opened.endpoint.uuid);
    opened.release();
  });

  /** FreeSWITCH finishes the oldest creation under way. */
  finish(): FakeEndpoint {
    const endpoint = new FakeEndpoint();
    this.next().resolve({ endpoint, release: () => this.released.push(endpoint.uuid) });
    return endpoint;
  }

  fail(): void {
    this.next().reject(new Error('Connection timeout'));
  }

  private next() {
    const creation = this.pending.shift();
    if (!creation) throw new Error('no creation under way');
    return creation;
  }
}

describe('StandbyEndpoints', () => {
  const options: StandbyEndpointsOptions = { size: 2, retryMs: 1000, maxIdleMs: 60_000, refillDelayMs: 25 };
  let factory: FakeFactory;
  let standby: StandbyEndpoints;

  beforeEach(() => {
    factory = new FakeFactory();
    standby = new StandbyEndpoints(factory.create, factory.discard, options, silentLog);
  });
  afterEach(async () => {
    jest.useRealTimers();
    await standby.close();
  });

  it('makes no replacement once closed', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    standby.start();
    factory.finish();
    factory.finish();
    await flush();
    standby.take();
    await standby.close();
    jest.advanceTimersByTime(options.refillDelayMs);
    expect(factory.create).toHaveBeenCalledTimes(2);
  });

  it('keeps its size ready and makes a new one for each taken, a moment after the take', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    standby.start();
    expect(factory.create).toHaveBeenCalledTimes(2);
    expect(standby.take()).toBeUndefined();
    const first = factory.finish();
    factory.finish();
    await flush();
    expect(standby.ready).toBe(2);

    const taken = standby.take();
    expect(taken?.endpoint).toBe(first);
    expect(factory.create).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(options.refillDelayMs);
    expect(factory.create).toHaveBeenCalledTimes(3);
    // The one taken is the taker's: its release is theirs, and the pool no longer watches it.
    first.emit('destroy');
    expect(standby.ready).toBe(1);
    expect(factory.create).toHaveBeenCalledTimes(3);
  });

  it('replaces an idle endpoint that FreeSWITCH hung up, releasing its channel', async () => {
    standby.start();
    const gone = factory.finish();
    factory.finish();
    await flush();
    gone.emit('destroy');
    expect(standby.ready).toBe(1);
    expect(factory.released).toEqual([gone.uuid]);
    expect(factory.discarded).toEqual([]);
    expect(factory.create).toHaveBeenCalledTimes(3);
  });

  it('hangs up and replaces an endpoint kept idle too long', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    standby.start();
    const old = factory.finish();
    factory.finish();
    await flush();
    jest.advanceTimersByTime(options.maxIdleMs);
    expect(factory.discarded).toEqual(expect.arrayContaining([old.uuid]));
    expect(factory.create).toHaveBeenCalledTimes(4);
  });

  it('waits before trying again when FreeSWITCH cannot make one', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    standby.start();
    factory.fail();
    factory.fail();
    await flush();
    expect(factory.create).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(options.retryMs - 1);
    expect(factory.create).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(1);
    expect(factory.create).toHaveBeenCalledTimes(4);
  });

  it('on close hangs up the idle ones and any that arrive later, and makes no more', async () => {
    standby.start();
    const idle = factory.finish();
    await flush();
    await standby.close();
    const late = factory.finish();
    await flush();
    expect(factory.discarded).toEqual([idle.uuid, late.uuid]);
    expect(factory.released).toEqual([idle.uuid, late.uuid]);
    expect(standby.take()).toBeUndefined();
    expect(factory.create).toHaveBeenCalledTimes(2);
  });

  it('on renew (drachtio was lost) hangs up the idle ones and one still being made, and makes a fresh set', async () => {
    standby.start();
    const idle = factory.finish();
    await flush();
    standby.renew();
    expect(factory.discarded).toEqual([idle.uuid]);
    expect(factory.create).toHaveBeenCalledTimes(3);
    // The one made across the loss is not kept: another takes its place.
    const stale = factory.finish();
    await flush();
    expect(factory.discarded).toEqual([idle.uuid, stale.uuid]);
    expect(factory.create).toHaveBeenCalledTimes(4);
    const fresh = [factory.finish(), factory.finish()];
    await flush();
    expect(standby.ready).toBe(2);
    expect([standby.take()?.endpoint, standby.take()?.endpoint]).toEqual(fresh);
  });

  it('makes none when its size is 0', () => {
    const off = new StandbyEndpoints(factory.create, factory.discard, { ...options, size: 0 }, silentLog);
    off.start();
    expect(off.take()).toBeUndefined();
    expect(factory.create).not.toHaveBeenCalled();
  });
});

describe('nameStandbyEndpoint', () => {
  it("gives the endpoint the caller id of the dial's From header", () => {
    const endpoint = new FakeEndpoint();
    nameStandbyEndpoint(endpoint, '<sip:1001@pbx.example>', silentLog);
    expect(endpoint.execute.mock.calls).toEqual([
      ['set_profile_var', 'caller_id_number=1001'],
      ['set_profile_var', 'caller_id_name=1001'],
    ]);
  });

  it('leaves it alone without a user to name it after', () => {
    const endpoint = new FakeEndpoint();
    nameStandbyEndpoint(endpoint, undefined, silentLog);
    nameStandbyEndpoint(endpoint, '<sip:pbx.example>', silentLog);
    expect(endpoint.execute).not.toHaveBeenCalled();
  });
});
