import type { DeskPhone } from './desk-phone';
import { E2E_AGENT_ID, E2E_TOKENS } from './live-service';
import type { CallView, EscalationView, liveSuite, TestPerson } from './live-suite';
import type { SippPhone } from './sipp-phone';
import type { PhoneAudio } from './tone-pcap';

// The first half of every escalation scenario: a customer talking with an
// agent. And the request the agent's console would make.

type Live = ReturnType<typeof liveSuite>;

export const CASE = {
  customer: { id: 'C-1001', name: 'Eva Huber' },
  reason: 'Router reboots every hour',
  summary: 'Since the firmware update on Monday.',
  notes: ['Factory reset did not help'],
};

export interface ConnectedCall {
  call: CallView;
  customer: SippPhone;
  number: string;
}

/** The customer calls and the agent's phone answers; resolves once both are in the room. */
export async function customerWithAgent(live: Live, agent: TestPerson, agentPhone: DeskPhone, hangUpAfterMs: number): Promise<ConnectedCall> {
  const { phone: customer, number } = await live.customer(hangUpAfterMs);
  await customer.waitForOutcome(/^answered$/, 5000);
  await agentPhone.calls.waitForOutcome(/^answered /, 5000);
  const call = await live.callOf(number, (c) => c.state === 'connected');
  await live.roomHolds(call.room, [number, agent.user]);
  return { call, customer, number };
}

/** The agent of an escalation scenario: the person the suite's agent token belongs to. */
export function tokenAgent(live: Live): Promise<TestPerson> {
  return live.person('ana', ['agent'], [], E2E_AGENT_ID);
}

/** POST /v1/calls/:id/escalations with the agent's own token; resolves with the 202's escalation. */
export async function escalate(live: Live, callId: string, body: Record<string, unknown>): Promise<EscalationView> {
  const reply = await live.service.call<EscalationView>('POST', `/v1/calls/${callId}/escalations`, { case: CASE, ...body }, E2E_TOKENS.agent);
  if (reply.status !== 202) throw new Error(`escalation refused: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export interface EscalatedCall extends ConnectedCall {
  ana: TestPerson;
  bo: TestPerson;
  anaPhone: DeskPhone;
  boPhone: DeskPhone;
  /** Bo's screen, watched from before the escalation. */
  boScreen: Awaited<ReturnType<Live['screenOf']>>;
  requested: EscalationView;
}

export interface EscalationSetup {
  mode: 'conference' | 'consult' | 'transfer';
  /** When the customer hangs up, from their call's start. */
  hangUpAfterMs: number;
  /** Bo's skills (none by default). */
  skills?: { name: string; level: number }[];
  /** What bo's phone answers with (a desk phone's default when absent). */
  boAudio?: PhoneAudio;
}

/**
 * Agent ana talking with a customer escalates to expert bo in that mode;
 * resolves once bo's phone has answered.
 */
export async function escalatedToBo(live: Live, { mode, hangUpAfterMs, skills = [], boAudio }: EscalationSetup): Promise<EscalatedCall> {
  const ana = await tokenAgent(live);
  const bo = await live.person('bo', ['expert'], skills);
  const anaPhone = await live.deskPhone(ana);
  const boPhone = await live.deskPhone(bo, 'phone-answer', { audio: boAudio });
  const connected = await customerWithAgent(live, ana, anaPhone, hangUpAfterMs);
  const boScreen = await live.screenOf(bo);
  const requested = await escalate(live, connected.call.id, { target: { expertId: bo.id }, mode });
  await boPhone.calls.waitForOutcome(/^answered /, 5000);
  return { ...connected, ana, bo, anaPhone, boPhone, boScreen, requested };
}

/** The agent merges the expert in (consult) or hands the call over (transfer). */
export function merge(live: Live, escalationId: string) {
  return live.service.call('POST', `/v1/escalations/${escalationId}/merge`, undefined, E2E_TOKENS.agent);
}
