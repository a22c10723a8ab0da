import pino from 'pino';
import type { LoggedEvent } from '../../src/domain/events';
import { FetchWebhookTransport } from '../../src/http/webhook-transport';
import { WebhookDelivery } from '../../src/services/webhooks/webhook-delivery';
import { WebhookSender } from '../../src/services/webhooks/webhook-sender';
import { RedisEventLog } from '../../src/store/event-log';
import { WebhookCursors, webhookUrlId } from '../../src/store/webhook-cursors';
import { eventually } from '../support/eventually';
import { testRedis } from '../support/test-redis';
import { startWebhookReceiver } from '../support/webhook-receiver';

// Webhooks read from the event log after a cursor in Redis: a real log, real
// Redis, a real HTTP receiver; "instances" are deliveries with their own owner name.

describe('webhook delivery: every event, from the log, by one instance at a time', () => {
  const redis = testRedis();
  const log = new RedisEventLog(redis.connect(), redis.connect(), redis.prefix, pino({ level: 'silent' }));
  const cursors = new WebhookCursors(redis.connect(), redis.prefix);
  const closers: (() => Promise<void> | void)[] = [];
  let calls = 0;

  beforeAll(() => log.start());
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(() => redis.close());

  const append = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await log.append('call.queued', { callId: `c${(calls += 1)}`, position: 'back' })).id);
    return ids;
  };

  /** An instance's delivery to `url`: quick retries, a short lease, started. */
  const instance = (url: string, owner: string, maxAttempts = 6) => {
    const sender = new WebhookSender({ maxAttempts, firstRetryMs: 20, maxRetryMs: 40 }, new FetchWebhookTransport(), pino({ level: 'silent' }));
    const delivery = new WebhookDelivery(log, cursors, sender, async () => ({}), { url, owner, leaseMs: 300, wakeDelayMs: 5 }, pino({ level: 'silent' }));
    delivery.start();
    const stop = async () => {
      sender.close();
      await delivery.close();
    };
    closers.push(stop);
    return { delivery, stop };
  };

  type Received = Awaited<ReturnType<typeof startWebhookReceiver>>['received'];
  const deliveredIds = (received: Received) =>
    received.filter((r) => r.status === 200).map((r) => (JSON.parse(r.body) as LoggedEvent).id).sort();

  it('posts each event logged from its first lease on, once, retrying a 500', async () => {
    const hook = await startWebhookReceiver([500]);
    closers.push(hook.close);
    const before = await append(2);
    const { delivery } = instance(hook.url, 'a');
    await delivery.catchUp();

    const ids = await append(5);
    await eventually(() => expect(deliveredIds(hook.received)).toEqual([...ids].sort()));
    // The refused post was the same body again.
    const refused = hook.received.find((r) => r.status === 500)!;
    expect(hook.received.filter((r) => r.body === refused.body).map((r) => r.status)).toEqual([500, 200]);
    expect(hook.received.map((r) => r.headers['x-expert-bridge-delivery'])).not.toContain(before[0]);
    // The receiver has the last post before the cursor moves past it.
    await delivery.catchUp();
    expect(await cursors.cursor(webhookUrlId(hook.url))).toBe(ids[4]);
  });

  it('an instance that stops mid-retry leaves the undelivered events to the next one', async () => {
    const statuses: number[] = Array(200).fill(503);
    const hook = await startWebhookReceiver(statuses);
    closers.push(hook.close);
    const first = instance(hook.url, 'a');
    await first.delivery.catchUp();
    const ids = await append(3);
    await eventually(() => expect(hook.received.length).toBeGreaterThanOrEqual(6));
    await first.stop();
    expect(deliveredIds(hook.received)).toEqual([]);

    // The receiver is back; the next instance starts from the cursor the first one left.
    statuses.length = 0;
    hook.received.length = 0;
    const next = instance(hook.url, 'b');
    await next.delivery.catchUp();
    expect(deliveredIds(hook.received)).toEqual([...ids].sort());
  });

  it('two instances: one holds the lease and posts, each event once', async () => {
    const hook = await startWebhookReceiver();
    closers.push(hook.close);
    const a = instance(hook.url, 'a');
    const b = instance(hook.url, 'b');
    await Promise.all([a.delivery.catchUp(), b.delivery.catchUp()]);

    const ids = await append(10);
    await eventually(() => expect(deliveredIds(hook.received)).toEqual([...ids].sort()));
    await Promise.all([a.delivery.catchUp(), b.delivery.catchUp()]);
    expect(hook.received.map((r) => r.status)).toEqual(Array(10).fill(200));
  });

  it('waits while another instance holds the lease, and takes over once it lapses', async () => {
    const hook = await startWebhookReceiver();
    closers.push(hook.close);
    // A crashed instance: its lease is there, nobody renews it.
    expect(await cursors.lease(webhookUrlId(hook.url), 'crashed', 300)).toBe(true);
    const ids = await append(2);
    const { delivery } = instance(hook.url, 'b');
    await delivery.catchUp();
    expect(hook.received).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 350));
    await delivery.catchUp();
    expect(deliveredIds(hook.received)).toEqual([...ids].sort());
  });

  it('a receiver that is away (429, 502, 503, 504) gets the event when it is back, however many tries that takes', async () => {
    const hook = await startWebhookReceiver([503, 502, 429, 504, 503]);
    closers.push(hook.close);
    const { delivery } = instance(hook.url, 'a', 2);
    await delivery.catchUp();
    const ids = await append(1);
    await eventually(() => expect(deliveredIds(hook.received)).toEqual([...ids].sort()));
    expect(hook.received.map((r) => r.status)).toEqual([503, 502, 429, 504, 503, 200]);
  });

  it('an event the receiver fails on (500) is dropped after its last attempt and does not hold up the ones after it', async () => {
    const hook = await startWebhookReceiver([500, 500]);
    closers.push(hook.close);
    const { delivery } = instance(hook.url, 'a', 2);
    await delivery.catchUp();
    const [dropped] = await append(1);
    await eventually(() => expect(hook.received.map((r) => r.status)).toEqual([500, 500]));
    await delivery.catchUp();
    expect(await cursors.cursor(webhookUrlId(hook.url))).toBe(dropped);

    const later = await append(1);
    await eventually(() => expect(deliveredIds(hook.received)).toEqual(later));
  });
});
