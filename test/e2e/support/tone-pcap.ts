import fs from 'node:fs';
import path from 'node:path';

// The audio the sipp phones send: a pcap of RTP packets (PCMA, 30 ms each)
// made here rather than taken from elsewhere, so every phone sends known
// audio for as long as a scenario may last. sipp's play_pcap_audio replays the
// UDP payloads with the pcap's timing and rewrites addresses and ports.

const SAMPLE_RATE = 8000;
const PTIME_MS = 30;
const SAMPLES_PER_PACKET = (SAMPLE_RATE * PTIME_MS) / 1000;

/** G.711 A-law of one 16-bit linear sample. */
export function alaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm >= 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm - 1;
  pcm >>= 3; // 13-bit magnitude
  let segment = 0;
  for (let v = pcm >> 5; v > 0; v >>= 1) segment += 1;
  const mantissa = segment === 0 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return (sign | (segment << 4) | mantissa) ^ 0x55;
}

function packet(seq: number, timestamp: number, payload: Buffer): Buffer {
  const rtp = Buffer.alloc(12);
  rtp[0] = 0x80; // version 2
  rtp[1] = 8; // PCMA
  rtp.writeUInt16BE(seq & 0xffff, 2);
  rtp.writeUInt32BE(timestamp >>> 0, 4);
  rtp.writeUInt32BE(0x0e2e0e2e, 8); // SSRC
  const udpLength = 8 + rtp.length + payload.length;
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6002, 2);
  udp.writeUInt16BE(udpLength, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + udpLength, 2);
  ip[8] = 64; // TTL
  ip[9] = 17; // UDP
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const ethernet = Buffer.alloc(14);
  ethernet.writeUInt16BE(0x0800, 12);
  return Buffer.concat([ethernet, ip, udp, rtp, payload]);
}

/** A pcap of `seconds` of a 425 Hz tone, one second on, one second off, as PCMA RTP. */
export function tonePcap(seconds: number): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const parts: Buffer[] = [header];
  const packets = Math.ceil((seconds * 1000) / PTIME_MS);
  for (let n = 0; n < packets; n += 1) {
    const payload = Buffer.alloc(SAMPLES_PER_PACKET);
    for (let i = 0; i < SAMPLES_PER_PACKET; i += 1) {
      const t = (n * SAMPLES_PER_PACKET + i) / SAMPLE_RATE;
      const on = Math.floor(t) % 2 === 0;
      payload[i] = alaw(on ? 8000 * Math.sin(2 * Math.PI * 425 * t) : 0);
    }
    const data = packet(n, n * SAMPLES_PER_PACKET, payload);
    const record = Buffer.alloc(16);
    const atUs = n * PTIME_MS * 1000;
    record.writeUInt32LE(Math.floor(atUs / 1e6), 0);
    record.writeUInt32LE(atUs % 1e6, 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    parts.push(record, data);
  }
  return Buffer.concat(parts);
}

/** The file the scenarios play (relative to sipp's working folder: media/tone-pcma.pcap). */
export function ensureTonePcap(workDir: string, seconds = 120): string {
  const file = path.join(workDir, 'media', 'tone-pcma.pcap');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, tonePcap(seconds));
  }
  return file;
}
