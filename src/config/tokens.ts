import { tokenFileSchema } from '../domain/principal';
import { ConfigError, readStructuredFile } from './load';

/** The API tokens file: a list of {token, role, personId?}. */
export function loadTokens(path: string) {
  const parsed = tokenFileSchema.safeParse(readStructuredFile(path));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${path}: [${i.path.join('.')}] ${i.message}`));
  }
  return parsed.data;
}
