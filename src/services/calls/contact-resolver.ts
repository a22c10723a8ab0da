import { currentContacts, type DeskRegistration, type Person, preferredContact } from '../../domain/person';
import type { RegistrationStore } from '../../store/registration-store';

/**
 * Where to send a person's INVITE: the current contacts of the phones that
 * register with us as their desk user (all ring), a SIP URI as given, or a
 * phone number through the gateway.
 */
export class ContactResolver {
  constructor(
    private readonly registrations: RegistrationStore,
    private readonly pstnGateway?: string,
  ) {}

  /** Whether the person is rung on phones that register with us (their desk user), not a URI or number elsewhere. */
  ringsRegisteredPhones(person: Person): boolean {
    const contact = preferredContact(person);
    return contact !== undefined && 'user' in contact;
  }

  /** `deskPhone`: the desk user's registration when a claim just read it; else it is looked up. None: nowhere to ring. */
  async urisFor(person: Person, deskPhone?: DeskRegistration): Promise<string[]> {
    const contact = preferredContact(person);
    if (!contact) return [];
    if ('user' in contact) {
      return deskPhone?.user === contact.user ? currentContacts(deskPhone) : this.registrations.contactsOf(contact.user);
    }
    if (contact.uri.startsWith('tel:')) {
      return this.pstnGateway ? [`sip:${contact.uri.slice(4)}@${this.pstnGateway}`] : [];
    }
    return [contact.uri];
  }
}
