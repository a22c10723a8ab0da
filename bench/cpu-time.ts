import fs from 'node:fs';

// CPU time from /proc, for the figures that the latencies alone cannot
// explain: a process's own work per call, and what the hypervisor took.

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time a process has used so far (user + system), in ms. */
export function processCpuMs(pid: number): number {
  // Fields after the ")" that ends the command name; utime and stime are the 12th and 13th.
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()?.trim().split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * CPU time stolen from this virtual machine by its hypervisor so far, over all
 * cores, in ms: time our processes were ready to run and another guest ran.
 */
export function stolenCpuMs(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
  return Number(cpu[8] ?? 0) * TICK_MS;
}
