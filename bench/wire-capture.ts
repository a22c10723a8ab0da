import { spawn } from 'node:child_process';
import fs from 'node:fs';

// When each message the bench measures between crossed the wire: tcpdump's
// kernel time stamps. The phones' (sipp's) stamps and this process's own are
// taken when the process gets to the message, which on a saturated host can
// be seconds late: in one run here an escalation request stamped by this
// process reached the wire 3.5 s later, and sipp stamped agents' INVITEs
// before the customers' INVITEs that caused them.

export interface WirePacket {
  /** Epoch milliseconds, as the kernel stamped the packet. */
  at: number;
  srcPort: number;
  dstPort: number;
  /** The UDP or TCP payload as text. */
  payload: string;
}

/** A running tcpdump writing a pcap file. */
export class WireCapture {
  private stopped?: Promise<{ packets: WirePacket[]; dropped: number }>;

  private constructor(
    private readonly file: string,
    private readonly stopCapture: () => Promise<string>,
  ) {}

  /** Starts tcpdump on every interface with this filter; why not, when it cannot (not installed, no permission). */
  static start(file: string, filter: string): Promise<WireCapture | { unavailable: string }> {
    return new Promise((resolve) => {
      // -U: each packet written as it comes; -B: a kernel buffer (KiB) the bench's bursts do not overrun.
      const tcpdump = spawn('tcpdump', ['-i', 'any', '-n', '-s', '0', '-U', '-B', '16384', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let listening = false;
      const exited = new Promise<void>((done) => tcpdump.once('close', () => done()));
      tcpdump.once('error', (err) => resolve({ unavailable: err.message }));
      tcpdump.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (listening || !stderr.includes('listening on')) return;
        listening = true;
        resolve(
          new WireCapture(file, async () => {
            tcpdump.kill('SIGINT');
            await exited;
            return stderr;
          }),
        );
      });
      void exited.then(() => {
        if (!listening) resolve({ unavailable: stderr.trim().split('\n').at(-1) || `tcpdump exited (${tcpdump.exitCode})` });
      });
    });
  }

  /** Stops the capture (once; safe to call again); its packets, and how many the kernel dropped (then a message may be missing). */
  stop(): Promise<{ packets: WirePacket[]; dropped: number }> {
    this.stopped ??= this.stopCapture().then((summary) => ({
      packets: parsePcap(fs.readFileSync(this.file)),
      dropped: Number(/(\d+) packets? dropped by kernel/.exec(summary)?.[1] ?? 0),
    }));
    return this.stopped;
  }
}

// Link-layer header lengths of the link types tcpdump writes here.
const LINK_HEADER: Record<number, number> = { 0: 4, 1: 14, 113: 16, 276: 20 };

/** The UDP and TCP packets with a payload in a pcap file (IPv4 and IPv6 without extension headers). */
export function parsePcap(pcap: Buffer): WirePacket[] {
  const magic = pcap.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && pcap.readUInt32BE(0) !== 0xa1b2c3d4 && pcap.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file');
  const u32 = (at: number) => (littleEndian ? pcap.readUInt32LE(at) : pcap.readUInt32BE(at));
  const nanoseconds = (littleEndian ? magic : pcap.readUInt32BE(0)) === 0xa1b23c4d;
  const linkType = u32(20);
  const linkHeader = LINK_HEADER[linkType];
  if (linkHeader === undefined) throw new Error(`pcap link type ${linkType} is not read here`);
  const packets: WirePacket[] = [];
  for (let at = 24; at + 16 <= pcap.length; ) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const length = u32(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    const packet = transportOf(frame.subarray(linkHeader));
    if (packet) packets.push({ at: seconds * 1000 + (nanoseconds ? fraction / 1e6 : fraction / 1e3), ...packet });
  }
  return packets;
}

function transportOf(ip: Buffer): Omit<WirePacket, 'at'> | undefined {
  if (ip.length < 20) return undefined;
  const version = ip[0]! >> 4;
  const [protocol, headerLength] = version === 4 ? [ip[9], (ip[0]! & 0x0f) * 4] : version === 6 ? [ip[6], 40] : [undefined, 0];
  const segment = ip.subarray(headerLength);
  if (segment.length < 8) return undefined;
  const ports = { srcPort: segment.readUInt16BE(0), dstPort: segment.readUInt16BE(2) };
  if (protocol === 17) return { ...ports, payload: segment.subarray(8).toString('latin1') };
  if (protocol === 6 && segment.length >= 20) {
    const payload = segment.subarray((segment[12]! >> 4) * 4);
    return payload.length > 0 ? { ...ports, payload: payload.toString('latin1') } : undefined;
  }
  return undefined;
}
