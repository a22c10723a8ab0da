import type { PhoneBinding } from '../domain/person';
import type { PeopleStore } from '../store/people-store';
import type { RegistrationStore } from '../store/registration-store';
import type { FailedLoginCounter, Registration, RegistrarHandlers } from './ports/telephony';
import type { PresenceService } from './presence-service';

/**
 * Desk phones that register with us: their password comes from the
 * directory, and their registration drives presence — registering makes an
 * offline person available; when the last of their phones un-registers or
 * lapses, they go offline.
 */
export class RegistrationService implements RegistrarHandlers {
  constructor(
    private readonly people: PeopleStore,
    private readonly registrations: RegistrationStore,
    private readonly presence: PresenceService,
    readonly failedLogins: FailedLoginCounter,
  ) {}

  async passwordFor(user: string): Promise<string | undefined> {
    return (await this.people.findByDeskUser(user))?.person.sipPassword;
  }

  phonesOf(user: string): Promise<PhoneBinding[]> {
    return this.registrations.phonesOf(user);
  }

  async onRegister(registration: Registration): Promise<PhoneBinding[]> {
    const phones = await this.registrations.save(registration);
    const found = await this.people.findByDeskUser(registration.user);
    if (found) await this.presence.trySystem(found.person.id, 'available', 'desk phone registered', ['offline']);
    return phones;
  }

  async onUnregister(user: string, contact?: string, natAddress?: string): Promise<PhoneBinding[]> {
    if ((await this.registrations.remove(user, contact, natAddress)) === 'last_phone_gone') await this.goOffline(user, 'desk phone unregistered');
    return this.registrations.phonesOf(user);
  }

  /** Housekeeping: registrations whose phones stopped refreshing them. */
  async expireLapsed(nowMs = Date.now()): Promise<void> {
    for (const user of await this.registrations.expired(nowMs)) {
      // Not if the phone registered again since the read, or another instance removed it.
      if ((await this.registrations.removeLapsed(user, nowMs)) === 'last_phone_gone') await this.goOffline(user, 'desk phone registration expired');
    }
  }

  private async goOffline(user: string, reason: string): Promise<void> {
    const found = await this.people.findByDeskUser(user);
    if (!found) return;
    // Someone on a call keeps talking; the call's end sends them offline (PresenceService.endCall).
    await this.presence.trySystem(found.person.id, 'offline', reason, ['available', 'away', 'wrap-up']);
    // The phone may have registered again after the removal, its onRegister finding
    // them not yet offline: it brings them back.
    if ((await this.registrations.contactsOf(user)).length > 0) await this.presence.trySystem(found.person.id, 'available', 'desk phone registered', ['offline']);
  }
}
