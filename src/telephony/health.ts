import type { DependencyHealth } from '../services/ports/health';
import type { ConnectionState, MediaServerStatus } from '../services/ports/telephony';

/** The media servers as one dependency for the health report: up while any of them is. */
export function mediaHealth(servers: (MediaServerStatus & { detail?: string })[]): DependencyHealth {
  if (servers.length === 0) return { configured: false, state: 'not_configured' };
  const connected = servers.filter((server) => server.state === 'connected').length;
  const state: ConnectionState =
    connected > 0 ? 'connected' : servers.some((server) => server.state === 'connecting') ? 'connecting' : 'disconnected';
  const problems = servers.filter((server) => server.state !== 'connected').map((server) => `${server.name}: ${server.detail ?? server.state}`);
  const health: DependencyHealth = { configured: true, state };
  if (problems.length > 0) health.detail = `${connected}/${servers.length} connected; ${problems.join('; ')}`;
  return health;
}
