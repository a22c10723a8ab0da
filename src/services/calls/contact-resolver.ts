import { currentContact, type DeskRegistration, type Person, preferredContact } from '../../domain/person';
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

  /** `deskPhone`: the desk phone's registration when a claim just read it; else it is looked up. */
  async uriFor(person: Person, deskPhone?: DeskRegistration): Promise<string | undefined> {
    const contact = preferredContact(person);
    if (!contact) return undefined;
    if ('user' in contact) {
      return deskPhone?.user === contact.user ? currentContact(deskPhone) : this.registrations.contactOf(contact.user);
    }
    if (contact.uri.startsWith('tel:')) {
      return this.pstnGateway ? `sip:${contact.uri.slice(4)}@${this.pstnGateway}` : undefined;
    }
    return contact.uri;
  }
}
