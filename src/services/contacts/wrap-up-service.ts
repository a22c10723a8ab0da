import type { ContactReason } from '../../domain/contact-reason';
import { findRepeatedContact, type ContactRecord } from '../../domain/contact';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { checkWrapUp, type WrapUp, type WrapUpInput } from '../../domain/wrap-up';
import type { ContactStore } from '../../store/contact-store';
import type { EventFeed } from '../ports/event-feed';
import type { ProjectionRunner } from '../projections/projection-runner';
import type { PresenceService } from '../presence-service';

export interface WrapUpSettings {
  reasons: ContactReason[];
  wrapUpWindowSec: number;
  repeatContactDays: number;
}

/**
 * Wrap-ups by the people who were on a call: checked against the call's
 * contact record, stored there, logged for the reports, and the end of a
 * required wrap-up for presence.
 */
export class WrapUpService {
  constructor(
    private readonly contacts: ContactStore,
    private readonly recorder: ProjectionRunner,
    private readonly events: EventFeed,
    private readonly presence: PresenceService,
    private readonly settings: WrapUpSettings,
  ) {}

  async post(callId: string, personId: string, input: WrapUpInput, nowMs = Date.now()): Promise<WrapUp> {
    // The call's last events may be logged but not yet recorded.
    await this.recorder.catchUp();
    const contact = await this.contacts.get(callId);
    if (!contact) throw new NotFoundError('call', callId);
    const role = checkWrapUp(contact, personId, input, this.settings.reasons, this.settings.wrapUpWindowSec, nowMs);
    const wrapUp: WrapUp = { ...input, personId, role, at: new Date(nowMs).toISOString() };
    if (!(await this.contacts.addWrapUp(callId, wrapUp))) {
      throw new ConflictError('already_wrapped_up', `"${personId}" has already wrapped up this call; a wrap-up cannot be replaced`, { personId });
    }
    const customerId = input.customerKey ?? contact.customerId;
    if (input.customerKey && input.customerKey !== contact.customerId) await this.contacts.addCustomerId(contact, input.customerKey);
    // The first wrap-up sets the contact's reason; it may show an earlier contact was not resolved after all.
    const repeated = contact.wrapUps.length === 0 ? await this.repeatedContact(contact, customerId, input.reason, nowMs) : undefined;
    if (repeated) await this.contacts.linkRepeat(callId, repeated.callId);
    await this.events.append('call.wrapped_up', {
      callId,
      personId,
      role,
      resolved: input.resolved,
      reason: input.reason,
      product: input.product,
      touchpoint: input.touchpoint,
      followUp: input.followUp !== undefined,
      repeatOf: repeated?.callId,
    });
    await this.presence.wrapUpPosted(personId, callId, nowMs);
    return wrapUp;
  }

  private async repeatedContact(contact: ContactRecord, customerId: string | undefined, reason: string, nowMs: number) {
    const earlier = [
      ...(await this.contacts.forCustomer(contact.caller, nowMs)),
      ...(customerId ? await this.contacts.forCustomer(customerId, nowMs) : []),
    ];
    return findRepeatedContact(earlier, contact, reason, this.settings.repeatContactDays);
  }
}
