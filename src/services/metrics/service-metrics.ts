import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LoggedEvent } from '../../domain/events';
import type { PresenceState } from '../../domain/presence';
import type { HealthProbe } from '../ports/health';
import type { SettledOutcome } from '../webhooks/webhook-sender';

/** Where the gauges read from, on each scrape. */
export interface MetricsSources {
  presenceCounts(): Promise<Record<PresenceState, number>>;
  queueLength(): Promise<number>;
  health: HealthProbe;
}

const DURATION_BUCKETS = [0.5, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 120, 300];
const RING_MEMORY_MS = 15 * 60_000;

/**
 * Prometheus metrics. Counters and histograms count the events this instance
 * logs (so summing over instances counts each once); gauges read Redis when
 * scraped, so every instance reports the same shared state.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly calls: Counter<'event'>;
  private readonly callsEnded: Counter<'reason'>;
  private readonly escalations: Counter<'outcome'>;
  private readonly wrapUps: Counter<'resolved'>;
  private readonly webhooks: Counter<'outcome'>;
  private readonly ringDuration: Histogram<'role' | 'outcome'>;
  private readonly answerWait: Histogram<'role'>;
  /** When each ringing offer started: key → ms. */
  private readonly ringing = new Map<string, number>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'expert_bridge_' });
    this.calls = new Counter({ name: 'expert_bridge_calls_total', help: 'Customer calls by step (offered, answered)', labelNames: ['event'], registers });
    this.callsEnded = new Counter({ name: 'expert_bridge_calls_ended_total', help: 'Customer calls ended, by reason', labelNames: ['reason'], registers });
    this.escalations = new Counter({
      name: 'expert_bridge_escalations_total',
      help: 'Escalation steps and outcomes (requested, offered, answered, declined, no_answer, failed, transferred, ended)',
      labelNames: ['outcome'],
      registers,
    });
    this.wrapUps = new Counter({ name: 'expert_bridge_wrapups_total', help: 'Wrap-ups posted, by resolved on first contact', labelNames: ['resolved'], registers });
    this.webhooks = new Counter({
      name: 'expert_bridge_webhook_deliveries_total',
      help: 'Webhook posts this instance settled: delivered, refused (a 4xx) or dropped (failed on every attempt)',
      labelNames: ['outcome'],
      registers,
    });
    this.ringDuration = new Histogram({
      name: 'expert_bridge_ring_duration_seconds',
      help: 'From ringing to answer or give-up, for agent and expert phones',
      labelNames: ['role', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.answerWait = new Histogram({
      name: 'expert_bridge_answer_wait_seconds',
      help: 'From queueing to the agent answering (agent), from the escalation request to the expert answering (expert)',
      labelNames: ['role'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'expert_bridge_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'expert_bridge_queue_length',
      help: 'Calls waiting for an agent',
      registers,
      async collect() {
        this.set(await sources.queueLength());
      },
    });
    new Gauge({
      name: 'expert_bridge_presence_people',
      help: 'People by presence state',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, n] of Object.entries(await sources.presenceCounts())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'expert_bridge_dependency_up',
      help: 'Connection state of drachtio, FreeSWITCH and Redis: 1 connected, 0 not (configured ones only)',
      labelNames: ['dependency'],
      registers,
      async collect() {
        for (const [dependency, health] of Object.entries(await sources.health.report())) {
          if (health.configured) this.set({ dependency }, health.state === 'connected' ? 1 : 0);
        }
      },
    });
  }

  /** Counts one event's delivery to one webhook URL, once it is settled. */
  webhookSettled(outcome: SettledOutcome): void {
    this.webhooks.inc({ outcome });
  }

  /** Counts one event this instance logged. */
  observe(event: LoggedEvent): void {
    const d = event.data as Record<string, unknown>;
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'call.offered':
        this.calls.inc({ event: 'offered' });
        break;
      case 'call.agent_ringing':
        this.startRinging(`${d.callId}/${d.agentId}`, at);
        break;
      case 'call.answered':
        this.calls.inc({ event: 'answered' });
        this.answerWait.observe({ role: 'agent' }, Number(d.waitMs) / 1000);
        this.stopRinging(`${d.callId}/${d.agentId}`, at, 'agent', 'answered');
        break;
      case 'call.agent_missed':
        this.stopRinging(`${d.callId}/${d.agentId}`, at, 'agent', String(d.outcome));
        break;
      case 'call.ended':
        this.callsEnded.inc({ reason: String(d.reason) });
        break;
      case 'call.wrapped_up':
        this.wrapUps.inc({ resolved: String(d.resolved) });
        break;
      case 'escalation.offered':
        this.escalations.inc({ outcome: 'offered' });
        this.startRinging(`${d.escalationId}/${d.expertId}`, at);
        break;
      case 'escalation.answered':
        this.escalations.inc({ outcome: 'answered' });
        this.answerWait.observe({ role: 'expert' }, Number(d.waitMs) / 1000);
        this.stopRinging(`${d.escalationId}/${d.expertId}`, at, 'expert', 'answered');
        break;
      case 'escalation.declined':
      case 'escalation.no_answer':
        this.escalations.inc({ outcome: event.type.slice('escalation.'.length) });
        this.stopRinging(`${d.escalationId}/${d.expertId}`, at, 'expert', event.type.slice('escalation.'.length));
        break;
      case 'escalation.requested':
      case 'escalation.failed':
      case 'escalation.transferred':
      case 'escalation.ended':
        this.escalations.inc({ outcome: event.type.slice('escalation.'.length) });
        break;
      default:
    }
  }

  private startRinging(key: string, atMs: number): void {
    // Offers that never ended here (the instance lost the call) are forgotten after a while.
    for (const [k, started] of this.ringing) if (started < atMs - RING_MEMORY_MS) this.ringing.delete(k);
    this.ringing.set(key, atMs);
  }

  private stopRinging(key: string, atMs: number, role: 'agent' | 'expert', outcome: string): void {
    const started = this.ringing.get(key);
    if (started === undefined) return;
    this.ringing.delete(key);
    this.ringDuration.observe({ role, outcome }, Math.max(0, atMs - started) / 1000);
  }
}
