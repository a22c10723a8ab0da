import fs from 'node:fs';

// CPU time from /proc, for the figures that the latencies alone cannot
// explain: a process's own work per call, how busy the whole host was, and
// what the hypervisor took.

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time a process has used so far (user + system), in ms. */
export function processCpuMs(pid: number): number {
  // Fields after the ")" that ends the command name; utime and stime are the 12th and 13th.
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()?.trim().split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * This machine's CPU time so far, over all cores, in ms: busy (user, system and
 * interrupts, every process of the host), and stolen by its hypervisor (time
 * our processes were ready to run and another guest ran).
 */
export function hostCpuMs(): { busy: number; stolen: number } {
  // cpu  user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = [user, nice, system, irq, softirq].reduce<number>((sum, ticks) => sum + (ticks ?? 0), 0);
  return { busy: busy * TICK_MS, stolen: (steal ?? 0) * TICK_MS };
}
