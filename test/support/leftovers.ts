import { eventually } from './eventually';
import type { FakeTelephony } from './fake-telephony';

// Keys a finished call may leave: directory, presence, events, cases, escalation
// records and contact records. Anything about calls, the queue or claims must be gone.
const CALL_KEYS = /:(call:|calls$|queue$|claim:|leases$)/;

/** Waits until no leg, ringing dial, room, call, queue or claim key is left. */
export function expectNothingLeft(phone: FakeTelephony, redis: { keys(): Promise<string[]> }): Promise<void> {
  return eventually(async () => {
    expect(phone.liveLegs()).toEqual([]);
    expect(phone.pendingDials()).toEqual([]);
    expect([...phone.rooms.keys()]).toEqual([]);
    expect((await redis.keys()).filter((k) => CALL_KEYS.test(k))).toEqual([]);
  });
}
