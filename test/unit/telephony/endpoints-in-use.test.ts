import { EndpointsInUse } from '../../../src/telephony/endpoints-in-use';
import type { OpenedEndpoint } from '../../../src/telephony/media-servers';
import { FakeEndpoint } from './fakes';

const opened = (): OpenedEndpoint => ({ endpoint: new FakeEndpoint(), release: jest.fn() });

describe('EndpointsInUse', () => {
  it('hangs up only the endpoints not yet released, and releases them', async () => {
    const inUse = new EndpointsInUse();
    const given = opened();
    const returned = inUse.track(opened());
    const stuck = inUse.track(given);
    returned.release();

    const discarded: OpenedEndpoint[] = [];
    const count = await inUse.hangUpAll(async (o) => {
      discarded.push(o);
      o.release();
    });
    expect(count).toBe(1);
    expect(discarded.map((o) => o.endpoint)).toEqual([stuck.endpoint]);
    expect(given.release).toHaveBeenCalledTimes(1);
    // Released by the hang-up: nothing left for a second call.
    expect(await inUse.hangUpAll(async () => undefined)).toBe(0);
  });

  it("passes a release on to the endpoint's own", () => {
    const inUse = new EndpointsInUse();
    const given = opened();
    inUse.track(given).release();
    expect(given.release).toHaveBeenCalledTimes(1);
  });
});
