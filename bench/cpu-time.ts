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
 * How long a process's main thread (the service's event loop) has waited so
 * far, in ms, ready to run while other threads held every core: the part of
 * its latencies that is the host's, not its own work. From Linux's schedstat;
 * undefined where the kernel does not keep it.
 */
export function mainThreadWaitMs(pid: number): number | undefined {
  try {
    // "<on-CPU ns> <waiting ns> <time slices>"
    const waitingNs = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitingNs) ? waitingNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

const readOrEmpty = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended meanwhile
  }
};

/** CPU time so far of each process on this host whose command is `name`, by pid. */
export function processesNamedCpuMs(name: string): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || readOrEmpty(`/proc/${entry}/comm`).trim() !== name) continue;
    try {
      cpu.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // it ended meanwhile
    }
  }
  return cpu;
}

/** What the processes of `after` used since `before`, counting those started since in full. */
export function cpuSinceMs(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** CPU time so far of this process's children that have ended, in ms (Linux counts them once waited for). */
export function endedChildrenCpuMs(): number {
  // cutime and cstime are the 16th and 17th fields, the 14th and 15th after the ")".
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(')').pop()?.trim().split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
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
