import { type Person, preferredContact } from '../../domain/person';
import type { RegistrationStore } from '../../store/registration-store';

/**
 * Where to send a person's INVITE: the current contact of a desk phone that
 * registers with us, a SIP URI as given, or a phone number through the gateway.
 */
export class ContactResolver {
  constructor(
    private readonly registrations: RegistrationStore,
    private readonly pstnGateway?: string,
  ) {}

  async uriFor(person: Person): Promise<string | undefined> {
    const contact = preferredContact(person);
    if (!contact) return undefined;
    if ('user' in contact) return this.registrations.contactOf(contact.user);
    if (contact.uri.startsWith('tel:')) {
      return this.pstnGateway ? `sip:${contact.uri.slice(4)}@${this.pstnGateway}` : undefined;
    }
    return contact.uri;
  }
}
