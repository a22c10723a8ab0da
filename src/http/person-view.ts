import type { PersonRecord } from '../domain/presence';
import type { PersonView } from './schemas';

/** A person as the API shows them: never the SIP password. */
export function toPersonView({ person, presence }: PersonRecord): PersonView {
  const { sipPassword, ...profile } = person;
  return { ...profile, canRegister: sipPassword !== undefined, presence };
}
