import { personInputSchema } from '../../src/domain/person';
import { eventually } from '../support/eventually';
import { auth, startTestApp, TOKENS } from '../support/test-app';
import { startWebhookReceiver } from '../support/webhook-receiver';

describe('/metrics (real Redis)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  afterEach(() => t.close());

  it('exposes calls, queue, escalations, ring and answer histograms, presence, dependencies and HTTP latency', async () => {
    t = await startTestApp();
    await t.services.directory.create(personInputSchema.parse({ id: 'bo', displayName: 'Bo', roles: ['expert'] }));
    await t.services.events.append('call.offered', { callId: 'c1', customer: '+43111', serviceNumber: '100' });
    await t.services.events.append('escalation.offered', { escalationId: 'e1', callId: 'c1', expertId: 'bo', attempt: 1 });
    await t.services.events.append('escalation.answered', { escalationId: 'e1', callId: 'c1', expertId: 'bo', waitMs: 4000 });
    await t.app.inject({ url: '/v1/experts', headers: auth(TOKENS.supervisor) });

    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    for (const line of [
      'expert_bridge_calls_total{event="offered"} 1',
      'expert_bridge_queue_length 0',
      'expert_bridge_escalations_total{outcome="answered"} 1',
      'expert_bridge_ring_duration_seconds_count{role="expert",outcome="answered"} 1',
      'expert_bridge_answer_wait_seconds_count{role="expert"} 1',
      'expert_bridge_presence_people{state="offline"} 1',
      'expert_bridge_dependency_up{dependency="redis"} 1',
      'expert_bridge_http_request_duration_seconds_count{method="GET",route="/v1/experts",status_code="200"} 1',
    ]) {
      expect(res.body).toContain(line);
    }
  });

  it('counts webhook deliveries by outcome', async () => {
    const hook = await startWebhookReceiver([400]);
    try {
      t = await startTestApp({ CRM_WEBHOOK_URLS: hook.url });
      await t.services.events.append('call.offered', { callId: 'c1', customer: '+43111', serviceNumber: '100' });
      await t.services.events.append('call.queued', { callId: 'c1', position: 'back' });
      await eventually(async () => {
        const { body } = await t.app.inject({ url: '/metrics' });
        expect(body).toContain('expert_bridge_webhook_deliveries_total{outcome="refused"} 1');
        expect(body).toContain('expert_bridge_webhook_deliveries_total{outcome="delivered"} 1');
      });
    } finally {
      await hook.close();
    }
  });

  it('takes METRICS_TOKEN as a bearer token when it is set', async () => {
    t = await startTestApp({ METRICS_TOKEN: 'scrape-token-123' });
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: auth(TOKENS.admin) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/metrics', headers: auth('scrape-token-123') })).statusCode).toBe(200);
  });
});
