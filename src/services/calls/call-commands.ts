import type { Call } from '../../domain/call';
import type { Claim } from '../../store/claim-store';
import type { EscalationRuns } from '../escalations/escalation-runs';
import type { CallCommand } from '../ports/command-bus';
import type { CallEngine } from './call-engine';
import type { ConferenceControl } from './conference-control';

type Handlers = { [K in CallCommand['type']]: (command: Extract<CallCommand, { type: K }>) => Promise<void> };

/** Carries out commands on the instance that owns the call, whether they came from its own API or another instance. */
export class CallCommands {
  private readonly handlers: Handlers;

  constructor(
    private readonly engine: CallEngine,
    conference: ConferenceControl,
    runs: EscalationRuns,
  ) {
    this.handlers = {
      hangup: async (c) => void (await engine.hangup(c.callId)),
      end: async (c) => void (await engine.endCall(c.callId, 'ended_by_staff')),
      control: (c) => conference.control(c.callId, c.legId, c.control, c.by),
      leave: (c) => conference.leave(c.callId, c.personId),
      'escalation.start': (c) => runs.start(c.escalationId, claimOf(c), c.escalation && c.caseRecord ? { escalation: c.escalation, caseRecord: c.caseRecord } : undefined),
      'escalation.merge': (c) => runs.merge(c.escalationId),
      'escalation.cancel': (c) => runs.cancel(c.escalationId),
      'escalation.decline': async (c) => runs.decline(c.escalationId, c.expertId),
    };
  }

  owns(callId: string): boolean {
    return this.engine.session(callId) !== undefined;
  }

  /** The live record of a call this instance holds: ahead of, or equal to, the stored one. */
  localCall(callId: string): Call | undefined {
    return this.engine.session(callId)?.call;
  }

  execute(command: CallCommand): Promise<void> {
    const handler = this.handlers[command.type] as (c: CallCommand) => Promise<void>;
    return handler(command);
  }
}

const claimOf = (c: Extract<CallCommand, { type: 'escalation.start' }>): Claim => ({
  claimId: c.claimId,
  personId: c.expertId,
  expiresAt: '',
  profile: c.expertProfile,
  deskPhone: c.expertDeskPhone,
});
