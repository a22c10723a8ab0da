import { EndpointsInUse } from '../../../src/telephony/endpoints-in-use';
import type { OpenedEndpoint } from '../../../src/telephony/media-servers';
import { FakeEndpoint } from './fakes';

const opened = (): OpenedEndpoint => ({ endpoint: new FakeEndpoint(), release: jest.fn() });

/** Tracks what it was asked to hang up; hanging up releases, as MediaServerLink's discard does. */
function setUp() {
  const discarded: OpenedEndpoint[] = [];
  const inUse = new EndpointsInUse(async (o) => {
    discarded.push(o);
    o.release();
  });
  return { inUse, discarded };
}

describe('EndpointsInUse', () => {
  it('hangs up only the endpoints not yet released, and releases them', async () => {
    const { inUse, discarded } = setUp();
    const given = opened();
    const returned = inUse.track(opened());
    const stuck = inUse.track(given);
    returned.release();

    expect(await inUse.close()).toBe(1);
    expect(discarded.map((o) => o.endpoint)).toEqual([stuck.endpoint]);
    expect(given.release).toHaveBeenCalledTimes(1);
    // Released by the hang-up: nothing left for a second close.
    expect(await inUse.close()).toBe(0);
  });

  it("passes a release on to the endpoint's own", () => {
    const { inUse } = setUp();
    const given = opened();
    inUse.track(given).release();
    expect(given.release).toHaveBeenCalledTimes(1);
  });

  it('hangs up an endpoint that arrives after close, and fails its opening', async () => {
    const { inUse, discarded } = setUp();
    await inUse.close();
    const late = opened();
    expect(() => inUse.track(late)).toThrow(/being closed/);
    expect(discarded).toEqual([late]);
    expect(late.release).toHaveBeenCalledTimes(1);
  });
});
