import fs from 'node:fs';
import path from 'node:path';

// The audio the sipp phones send: a pcap of G.711 RTP packets made here rather
// than taken from elsewhere, so every phone sends known audio for as long as a
// scenario may last. sipp's play_pcap_audio replays the UDP payloads with the
// pcap's timing and rewrites addresses and ports.

const SAMPLE_RATE = 8000;

/**
 * A phone's codec and packet time. PCMU/20 is what desk phones answer our offer
 * with by default (its first codec, RFC 3551's packet time); PCMA/30 is a phone
 * that prefers A-law in longer packets, so FreeSWITCH changes the endpoint's
 * codec and packet clock when the answer reaches it.
 */
export const PHONE_AUDIOS = ['PCMU/20', 'PCMA/30'] as const;
export type PhoneAudio = (typeof PHONE_AUDIOS)[number];

interface AudioFormat {
  codec: 'PCMU' | 'PCMA';
  payloadType: number;
  ptimeMs: number;
  encode: (sample: number) => number;
}

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

/** G.711 µ-law of one 16-bit linear sample. */
export function ulaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  pcm = Math.min(Math.abs(pcm), 32635) + 0x84;
  let segment = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && segment > 0; mask >>= 1) segment -= 1;
  const mantissa = (pcm >> (segment + 3)) & 0x0f;
  return ~(sign | (segment << 4) | mantissa) & 0xff;
}

const FORMATS: Record<PhoneAudio, AudioFormat> = {
  'PCMU/20': { codec: 'PCMU', payloadType: 0, ptimeMs: 20, encode: ulaw },
  'PCMA/30': { codec: 'PCMA', payloadType: 8, ptimeMs: 30, encode: alaw },
};

/** The sipp keys a scenario's SDP takes its codec from. */
export function audioKeys(audio: PhoneAudio): Record<string, string | number> {
  const { codec, payloadType, ptimeMs } = FORMATS[audio];
  return { codec, payload_type: payloadType, ptime: ptimeMs };
}

function packet(payloadType: number, seq: number, timestamp: number, payload: Buffer): Buffer {
  const rtp = Buffer.alloc(12);
  rtp[0] = 0x80; // version 2
  rtp[1] = payloadType;
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

/** A pcap of `seconds` of a 425 Hz tone, one second on, one second off, as RTP in `audio`. */
export function tonePcap(seconds: number, audio: PhoneAudio): Buffer {
  const { payloadType, ptimeMs, encode } = FORMATS[audio];
  const samplesPerPacket = (SAMPLE_RATE * ptimeMs) / 1000;
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  const parts: Buffer[] = [header];
  const packets = Math.ceil((seconds * 1000) / ptimeMs);
  for (let n = 0; n < packets; n += 1) {
    const payload = Buffer.alloc(samplesPerPacket);
    for (let i = 0; i < samplesPerPacket; i += 1) {
      const t = (n * samplesPerPacket + i) / SAMPLE_RATE;
      const on = Math.floor(t) % 2 === 0;
      payload[i] = encode(on ? 8000 * Math.sin(2 * Math.PI * 425 * t) : 0);
    }
    const data = packet(payloadType, n, n * samplesPerPacket, payload);
    const record = Buffer.alloc(16);
    const atUs = n * ptimeMs * 1000;
    record.writeUInt32LE(Math.floor(atUs / 1e6), 0);
    record.writeUInt32LE(atUs % 1e6, 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    parts.push(record, data);
  }
  return Buffer.concat(parts);
}

/**
 * sipp's working folder for phones that send `audio`, under `baseDir`: the
 * scenarios play media/tone.pcap relative to it, so each audio has its own.
 */
export function tonePcapDir(baseDir: string, audio: PhoneAudio, seconds = 120): string {
  const workDir = path.join(baseDir, audio.replace('/', '-').toLowerCase());
  const file = path.join(workDir, 'media', 'tone.pcap');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, tonePcap(seconds, audio));
  }
  return workDir;
}
