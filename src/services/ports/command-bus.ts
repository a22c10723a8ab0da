import type { Case } from '../../domain/case';
import type { Escalation } from '../../domain/escalation';
import type { DeskRegistration } from '../../domain/person';
import type { MemberControl } from './telephony';

/** What one instance asks of the instance that owns a call (its dialogs and media live there). */
export type CallCommand =
  | { type: 'hangup'; callId: string }
  | { type: 'end'; callId: string }
  | { type: 'control'; callId: string; legId: string; control: MemberControl; by: string }
  | { type: 'leave'; callId: string; personId: string }
  | {
      type: 'escalation.start';
      callId: string;
      escalationId: string;
      claimId: string;
      expertId: string;
      /** The records as created, so the owner need not read them back before dialling. */
      escalation?: Escalation;
      caseRecord?: Case;
      /** The expert's stored profile as the claim read it: the owner dials without reading it again. */
      expertProfile?: string;
      /** …and their desk phone's registration: nor look up their contact. */
      expertDeskPhone?: DeskRegistration;
    }
  | { type: 'escalation.merge'; callId: string; escalationId: string }
  | { type: 'escalation.cancel'; callId: string; escalationId: string }
  | { type: 'escalation.decline'; callId: string; escalationId: string; expertId: string };

export interface CommandBus {
  start(handler: (command: CallCommand) => void): Promise<void>;
  send(instanceId: string, command: CallCommand): Promise<boolean>;
}
