import { spawnSync } from 'node:child_process';

/**
 * This process plays the agents' screens, which in a contact centre run on
 * machines of their own. Here they share the host with a stack at real-time
 * priority, and at normal priority they asked for escalations seconds late
 * (lag p95 3.1-4.2 s), so experts joined late into short calls and the stack
 * carried less than the load the figures stand for. At FIFO 1 they ask at once.
 * Returns how this process runs, for the report.
 */
export function screensAtRealTimePriority(): string {
  // Reset on fork: the service and the phones it starts keep their own priority, not this one.
  const chrt = spawnSync('chrt', ['-a', '-R', '-f', '-p', '1', String(process.pid)], { encoding: 'utf8' });
  if (chrt.status === 0) return 'the screens (this process) at real-time priority 1';
  const why = chrt.error?.message ?? (chrt.stderr.trim() || `exit ${chrt.status}`);
  return `the screens (this process) at normal priority (${why}): see its lag below, a late request lightens the load`;
}
