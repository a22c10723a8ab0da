import type { Logger } from 'pino';
import type { Config } from './config/schema';
import { buildApp } from './http/app';
import type { TokenRegistry } from './http/auth';
import { ClaimService } from './services/claim-service';
import { DirectoryService } from './services/directory-service';
import { Housekeeping } from './services/housekeeping';
import type { DependencyHealth, HealthProbe } from './services/ports/health';
import { PresenceService } from './services/presence-service';
import { ClaimStore } from './store/claim-store';
import { PeopleStore } from './store/people-store';
import { RedisPresenceFeed } from './store/presence-feed';
import { PresenceStore } from './store/presence-store';
import { onReconnected, probeRedis, type RedisClient } from './store/redis-connection';
import { CallEngine } from './services/calls/call-engine';
import { CallService } from './services/calls/call-service';
import { RedisCommandBus } from './store/command-bus';
import { ContactResolver } from './services/calls/contact-resolver';
import type { Telephony } from './services/ports/telephony';
import { RegistrationService } from './services/registration-service';
import { CallStore } from './store/call-store';
import { InstanceStore } from './store/instance-store';
import { RedisEventLog } from './store/event-log';
import { FailedLoginStore } from './store/failed-login-store';
import { RegistrationStore } from './store/registration-store';
import { CallCommands } from './services/calls/call-commands';
import { ConferenceControl } from './services/calls/conference-control';
import { DeskPhoneTransfers } from './services/escalations/desk-phone-transfers';
import { endEscalationsOfLostCall } from './services/escalations/ended-with-call';
import { CaseLinks } from './services/escalations/case-links';
import { CaseService } from './services/escalations/case-service';
import { EscalationRuns } from './services/escalations/escalation-runs';
import { EscalationService } from './services/escalations/escalation-service';
import { ExpertOffers } from './services/escalations/expert-offers';
import { WebhookSender } from './services/webhooks/webhook-sender';
import { WebhookDelivery, type WebhookExtras } from './services/webhooks/webhook-delivery';
import { FetchWebhookTransport } from './http/webhook-transport';
import { CaseStore } from './store/case-store';
import { EscalationStore } from './store/escalation-store';
import { RedisScreenFeed } from './store/screen-feed';
import { ContactRecorder } from './services/contacts/contact-recorder';
import { CustomerHistory } from './services/contacts/customer-history';
import { WrapUpService } from './services/contacts/wrap-up-service';
import { ObservedEventFeed } from './services/metrics/observed-event-feed';
import { ServiceMetrics } from './services/metrics/service-metrics';
import { ProjectionRunner } from './services/projections/projection-runner';
import { ReportProjection } from './services/reports/report-projection';
import { ReportService } from './services/reports/report-service';
import { ContactStore } from './store/contact-store';
import { ReportStore, contextTtlFor } from './store/report-store';
import { WebhookCursors } from './store/webhook-cursors';

// Wiring shared by main.ts and the integration tests: stores on the given
// Redis connections, the services on top, and the HTTP app on those.

const notConfigured: DependencyHealth = { configured: false, state: 'not_configured' };

function telephonyHealth(telephony: Telephony | undefined) {
  if (!telephony) return { drachtio: notConfigured, freeswitch: notConfigured };
  const servers = telephony.mediaServers();
  const up = servers.filter((s) => s.state === 'connected').length;
  return {
    drachtio: { configured: true, state: telephony.signallingState() } satisfies DependencyHealth,
    freeswitch: {
      configured: true,
      // Ready while any media server is up: rooms go to the healthy ones.
      state: up > 0 ? 'connected' : servers.some((s) => s.state === 'connecting') ? 'connecting' : 'disconnected',
      detail: servers.map((s) => `${s.name}: ${s.state}, ${s.load} calls`).join('; '),
    } satisfies DependencyHealth,
  };
}

export interface Connections {
  redis: RedisClient;
  subscriber: RedisClient;
}

export interface Adapters {
  telephony?: Telephony;
}

/** Stores and services; with telephony, also the call engine and the registrar. */
export async function composeServices(config: Config, conn: Connections, log: Logger, adapters: Adapters = {}) {
  const { telephony } = adapters;
  const prefix = config.redis.keyPrefix;
  const people = new PeopleStore(conn.redis, prefix, log);
  const presenceStore = new PresenceStore(conn.redis, prefix);
  const claimStore = new ClaimStore(conn.redis, prefix);
  const callStore = new CallStore(conn.redis, prefix, log);
  const registrationStore = new RegistrationStore(conn.redis, prefix);
  const feed = new RedisPresenceFeed(conn.subscriber, prefix, log);
  const eventLog = new RedisEventLog(conn.redis, conn.subscriber, prefix, log);
  const screens = new RedisScreenFeed(conn.redis, conn.subscriber, prefix, log);
  const caseStore = new CaseStore(conn.redis, prefix, config.escalations.caseRetentionDays);
  const escalationStore = new EscalationStore(conn.redis, prefix, log);
  await feed.start();
  await eventLog.start();
  await screens.start();
  const health: HealthProbe = {
    report: async () => ({ redis: await probeRedis(conn.redis), ...telephonyHealth(telephony) }),
  };
  const metrics = new ServiceMetrics({
    presenceCounts: () => people.presenceCounts(),
    queueLength: () => callStore.queueLength(),
    health,
  });
  const events = new ObservedEventFeed(eventLog, metrics);
  const webhooks = new WebhookSender(config.webhooks, new FetchWebhookTransport(), log);
  const webhookCursors = new WebhookCursors(conn.redis, prefix);
  // An offer's webhook carries the escalation and its case: the CRM opens it while the expert's phone rings.
  const webhookExtras: WebhookExtras = async (event) => {
    if (event.type !== 'escalation.offered') return {};
    const escalation = await escalationStore.get((event.data as { escalationId: string }).escalationId);
    return { escalation, case: escalation && (await caseStore.get(escalation.caseId)) };
  };
  const webhookDeliveries = config.webhooks.urls.map(
    (url) =>
      new WebhookDelivery(
        events,
        webhookCursors,
        webhooks,
        webhookExtras,
        { url, owner: config.instanceId, onSettled: (outcome) => metrics.webhookSettled(outcome) },
        log,
      ),
  );
  for (const delivery of webhookDeliveries) delivery.start();

  const directory = new DirectoryService(people);
  const presence = new PresenceService(people, presenceStore, registrationStore, {
    ...config.presence,
    wrapUpWindowSec: config.contacts.wrapUpWindowSec,
  });
  const claims = new ClaimService(claimStore, config.presence.claimLeaseSec);
  const registrations = new RegistrationService(people, registrationStore, presence, new FailedLoginStore(conn.redis, prefix));
  const instances = new InstanceStore(conn.redis, prefix);
  const engine = telephony
    ? new CallEngine(
        {
          telephony,
          calls: callStore,
          claims,
          directory,
          presence,
          events,
          contacts: new ContactResolver(registrationStore, config.calls.pstnGateway),
          instances,
          afterLostCall: (callId) => endEscalationsOfLostCall({ escalations: escalationStore, events }, callId),
          log,
        },
        { ...config.calls, claimLeaseSec: config.presence.claimLeaseSec, instanceId: config.instanceId },
      )
    : undefined;
  const contactStore = new ContactStore(conn.redis, prefix, config.contacts.historyRetentionDays, log);
  const contactRecorder = new ProjectionRunner(new ContactRecorder(contactStore), events, log);
  const reportStore = new ReportStore(conn.redis, prefix, contextTtlFor(config.contacts), log);
  const reportProjection = new ProjectionRunner(new ReportProjection(reportStore), events, log);
  contactRecorder.start();
  reportProjection.start();
  const history = new CustomerHistory(contactStore, caseStore, contactRecorder);
  const wrapUps = new WrapUpService(contactStore, contactRecorder, events, presence, config.contacts);
  const reports = new ReportService(reportStore, reportProjection, config.contacts.reasons);

  const callService = new CallService(
    callStore,
    new RedisCommandBus(conn.redis, conn.subscriber, prefix, config.instanceId, log),
    log,
  );
  const caseLinks = new CaseLinks(config.http.publicBaseUrl, config.escalations.caseLinks);
  const escalations = new EscalationService(
    { calls: callService, claims, escalations: escalationStore, cases: caseStore, events },
    { ...config.escalations, claimLeaseSec: config.presence.claimLeaseSec },
  );
  const offers = new ExpertOffers({
    screens,
    escalations: escalationStore,
    cases: caseStore,
    calls: callStore,
    // The customer's earlier contacts, by their CRM id when the agent gave one, else the number they call from.
    historyFor: async (record, callerNumber) =>
      (await history.forCustomer(record.customer.id ?? callerNumber)).filter((entry) => entry.callId !== record.callId),
  });
  let runs: EscalationRuns | undefined;
  if (telephony && engine) {
    const conference = new ConferenceControl(engine, { telephony, events });
    engine.staffLegs.listen(conference);
    const transfers = new DeskPhoneTransfers({ people, escalations });
    engine.staffLegs.handleTransfers((staff, target) => transfers.transfer(staff, target));
    runs = new EscalationRuns({
      engine,
      conference,
      claims,
      presence,
      events,
      escalations: escalationStore,
      cases: caseStore,
      screens,
      offers,
      log,
      claimLeaseSec: config.presence.claimLeaseSec,
      caseLinks,
    });
    telephony.serveRegistrar(registrations);
    engine.start();
    // Someone became free (on any instance): queued calls and waiting escalations may have them now.
    const waiting = runs;
    feed.onChange((event) => {
      if (event.removed || event.presence.state !== 'available') return;
      engine.kickDispatch();
      waiting.wakeAll();
    });
    await callService.start(new CallCommands(engine, conference, runs));
  } else {
    await callService.start();
  }
  const cases = new CaseService(caseStore, screens, caseLinks);

  const housekeeping = new Housekeeping(
    [
      { name: 'lapsed leases', run: () => claimStore.sweep() },
      { name: 'missed heartbeats', run: () => presence.sweepHeartbeats() },
      { name: 'wrap-ups due', run: () => presence.finishDueWrapUps() },
      { name: 'lapsed registrations', run: () => registrations.expireLapsed() },
      ...(engine ? [{ name: 'queued calls', run: () => engine.dispatch() }] : []),
      { name: 'contact records', run: () => contactRecorder.catchUp() },
      { name: 'report counters', run: () => reportProjection.catchUp() },
      // Not awaited: a delivery may sit in its retries for a while.
      { name: 'webhooks', run: async () => webhookDeliveries.forEach((delivery) => delivery.wake()) },
      { name: 'event retention', run: () => eventLog.trimBefore(Date.now() - config.eventsRetentionDays * 86_400_000) },
    ],
    log,
  );
  return {
    directory,
    presence,
    claims,
    feed,
    events,
    engine,
    callService,
    escalations,
    cases,
    screens,
    offers,
    calls: callStore,
    registrations,
    health,
    housekeeping,
    metrics,
    history,
    wrapUps,
    reports,
    contactReasons: config.contacts.reasons,
    metricsToken: config.metricsToken,
    projections: [contactRecorder, reportProjection],
    /** Calls the listener when the live channels are back after a lost Redis connection: what they carried meanwhile is lost. */
    onLiveFeedsResumed: (listener: () => void) => onReconnected(conn.subscriber, listener),
    stores: { people, presenceStore, claimStore, registrationStore, caseStore, escalationStore, contactStore, reportStore, instances },
    /** Stops taking work and waits for what is under way; the connections stay open. */
    async close() {
      await engine?.close();
      await runs?.close();
      await callService.close();
      await housekeeping.stop();
      for (const projection of [contactRecorder, reportProjection]) await projection.close();
      webhooks.close();
      for (const delivery of webhookDeliveries) await delivery.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof composeServices>>;

export function composeApp(services: Services, tokens: TokenRegistry, log: Logger) {
  return buildApp({ ...services, tokens }, log);
}
