import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, settingsSchema, toConfig } from './schema';

/** Thrown when settings are missing or wrong; the message lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a YAML or JSON file (JSON is YAML) and names the file when it cannot. */
export function readStructuredFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${path}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`]);
  }
}

function fileSettings(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  const content = readStructuredFile(path);
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new ConfigError([`${path}: must be a map of setting names to values`]);
  }
  return Object.fromEntries(Object.entries(content).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(settingsSchema.shape);
  const fromEnv = Object.fromEntries(known.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const merged = { ...fileSettings(env.CONFIG_FILE), ...fromEnv };
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return toConfig(parsed.data);
}

