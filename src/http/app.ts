import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { CallService } from '../services/calls/call-service';
import type { ClaimService } from '../services/claim-service';
import type { DirectoryService } from '../services/directory-service';
import type { EventFeed } from '../services/ports/event-feed';
import type { HealthProbe } from '../services/ports/health';
import type { PresenceFeed } from '../services/ports/presence-feed';
import type { PresenceService } from '../services/presence-service';
import { authPlugin, type TokenRegistry } from './auth';
import { installErrorHandler } from './errors';
import { endEventStreamsOnClose, endEventStreamsOnResume } from './sse';
import { closeConnectionsOnClose } from './shutdown';
import { callRoutes } from './routes/calls';
import { claimRoutes } from './routes/claims';
import { consoleRoutes } from './routes/console';
import { healthRoutes } from './routes/health';
import { peopleRoutes } from './routes/people';
import { presenceRoutes } from './routes/presence';
import { caseRoutes } from './routes/cases';
import { conferenceRoutes } from './routes/conference';
import { escalationRoutes } from './routes/escalations';
import { screenRoutes } from './routes/screens';
import type { CaseService } from '../services/escalations/case-service';
import type { EscalationService } from '../services/escalations/escalation-service';
import type { ExpertOffers } from '../services/escalations/expert-offers';
import type { ScreenFeed } from '../services/ports/screen-feed';
import { sessionRoutes } from './routes/session';
import { contactReasonRoutes } from './routes/contact-reasons';
import { customerRoutes } from './routes/customers';
import { metricsPlugin } from './routes/metrics';
import { reportRoutes } from './routes/reports';
import { wrapUpRoutes } from './routes/wrap-ups';
import type { ContactReason } from '../domain/contact-reason';
import type { CustomerHistory } from '../services/contacts/customer-history';
import type { WrapUpService } from '../services/contacts/wrap-up-service';
import type { ServiceMetrics } from '../services/metrics/service-metrics';
import type { ReportService } from '../services/reports/report-service';

export interface AppServices {
  directory: DirectoryService;
  presence: PresenceService;
  claims: ClaimService;
  feed: PresenceFeed;
  events: EventFeed;
  callService: CallService;
  escalations: EscalationService;
  cases: CaseService;
  screens: ScreenFeed;
  offers: ExpertOffers;
  health: HealthProbe;
  tokens: TokenRegistry;
  metrics: ServiceMetrics;
  metricsToken?: string;
  wrapUps: WrapUpService;
  history: CustomerHistory;
  reports: ReportService;
  contactReasons: readonly ContactReason[];
  /** Calls the listener when the live channels are back after a lost Redis connection. */
  onLiveFeedsResumed(listener: () => void): () => void;
}

/** Builds the HTTP app; tests call this and use inject(), main.ts listens. */
export async function buildApp(services: AppServices, log: Logger): Promise<FastifyInstance> {
  // Route plugins are FastifyPluginAsyncZod, so each brings the zod type provider.
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  endEventStreamsOnClose(app);
  endEventStreamsOnResume(app, services.onLiveFeedsResumed);
  closeConnectionsOnClose(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Expert Bridge API', version: '1', description: 'Contact-centre telephony: presence, claims, calls, escalations, cases.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(authPlugin, { tokens: services.tokens });
  await app.register(metricsPlugin, { metrics: services.metrics, token: services.metricsToken });

  await app.register(healthRoutes, { health: services.health });
  await app.register(peopleRoutes, { directory: services.directory });
  await app.register(presenceRoutes, { presence: services.presence, directory: services.directory, feed: services.feed });
  await app.register(claimRoutes, { claims: services.claims });
  await app.register(callRoutes, { calls: services.callService, events: services.events });
  await app.register(conferenceRoutes, { calls: services.callService });
  await app.register(escalationRoutes, { escalations: services.escalations });
  await app.register(caseRoutes, { cases: services.cases });
  await app.register(screenRoutes, { screens: services.screens, events: services.events, offers: services.offers });
  await app.register(sessionRoutes, { directory: services.directory });
  await app.register(consoleRoutes);
  await app.register(wrapUpRoutes, { wrapUps: services.wrapUps });
  await app.register(contactReasonRoutes, { reasons: services.contactReasons });
  await app.register(customerRoutes, { history: services.history });
  await app.register(reportRoutes, { reports: services.reports });
  return app;
}
