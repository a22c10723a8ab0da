import { parsePcap } from '../../bench/wire-capture';
import { answerTimeline, WireStamps } from '../../bench/wire-stamps';

// bench:live's times come from a tcpdump capture: the pcap file as tcpdump
// writes it for `-i any` (Linux cooked headers), and each call's first
// messages found in it.

const PORTS = { sip: 5070, service: 3200, agents: 15001, experts: 15002 };

function ipv4Udp(srcPort: number, dstPort: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'latin1');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45; // IPv4, 5 words of header
  ip[9] = 17;
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(dstPort, 2);
  return Buffer.concat([ip, udp, body]);
}

function ipv4Tcp(srcPort: number, dstPort: number, payload: string): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip[9] = 6;
  const tcp = Buffer.alloc(32); // with 12 bytes of options, as Linux sends
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp[12] = 8 << 4;
  return Buffer.concat([ip, tcp, Buffer.from(payload, 'latin1')]);
}

/** A little-endian, microsecond pcap of Linux cooked (SLL, 16-byte) frames. */
function pcap(frames: { atMs: number; ip: Buffer }[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(113, 20);
  const records = frames.map(({ atMs, ip }) => {
    const frame = Buffer.concat([Buffer.alloc(16), ip]);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(atMs / 1000), 0);
    record.writeUInt32LE(Math.round((atMs % 1000) * 1000), 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}

const sip = (firstLine: string, headers: Record<string, string>) =>
  `${firstLine}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Content-Length: 0\r\n\r\n`;

describe('bench:live times on the wire', () => {
  const t0 = 1_795_000_000_000;
  const customerInvite = sip('INVITE sip:1000@127.0.0.1:5070 SIP/2.0', { From: '<sip:+43980001@127.0.0.1:16000>;tag=a', 'Call-ID': 'c1' });
  const agentInvite = sip('INVITE sip:agent1@127.0.0.1:15001 SIP/2.0', { 'Call-ID': 'a1', 'X-Customer': '+43980001', 'X-Call-Id': 'call-1' });
  const expertInvite = sip('INVITE sip:expert1@127.0.0.1:15002 SIP/2.0', { 'Call-ID': 'e1', 'X-Call-Id': 'call-1' });
  const expertOk = sip('SIP/2.0 200 OK', { 'Call-ID': 'e1', CSeq: '1 INVITE' });
  const frames = [
    { atMs: t0, ip: ipv4Udp(16000, PORTS.sip, customerInvite) },
    // A retransmission, and the same INVITE as FreeSWITCH's leg (not to a phone): neither counts.
    { atMs: t0 + 500, ip: ipv4Udp(16000, PORTS.sip, customerInvite) },
    { atMs: t0 + 5.25, ip: ipv4Udp(PORTS.sip, 5088, agentInvite) },
    { atMs: t0 + 9.5, ip: ipv4Udp(PORTS.sip, PORTS.agents, agentInvite) },
    { atMs: t0 + 300, ip: ipv4Tcp(40000, PORTS.service, 'POST /v1/calls/call-1/escalations HTTP/1.1\r\nhost: x\r\n\r\n') },
    { atMs: t0 + 312.125, ip: ipv4Udp(PORTS.sip, PORTS.experts, expertInvite) },
    { atMs: t0 + 400, ip: ipv4Udp(PORTS.experts, PORTS.sip, sip('SIP/2.0 200 OK', { 'Call-ID': 'e1', CSeq: '2 BYE' })) },
    { atMs: t0 + 420, ip: ipv4Udp(PORTS.experts, PORTS.sip, expertOk) },
  ];

  it('reads each UDP and TCP payload with its port pair and kernel time', () => {
    const packets = parsePcap(pcap(frames));
    expect(packets).toHaveLength(frames.length);
    expect(packets[2]).toEqual({ at: t0 + 5.25, srcPort: PORTS.sip, dstPort: 5088, payload: agentInvite });
    expect(packets[4]?.payload.startsWith('POST /v1/calls/call-1/escalations ')).toBe(true);
  });

  it("takes each message's first crossing, between the right ports", () => {
    const stamps = new WireStamps(parsePcap(pcap(frames)), PORTS);
    expect(stamps.of('+43980001', 'call-1')).toEqual({
      customerInvite: t0,
      agentInvite: t0 + 9.5,
      requested: t0 + 300,
      expertInvite: t0 + 312.125,
      expertOk: t0 + 420,
      mediaReinvite: undefined,
      mediaOk: undefined,
    });
    expect(stamps.of('+43980002', 'call-2')).toEqual({
      customerInvite: undefined,
      agentInvite: undefined,
      requested: undefined,
      expertInvite: undefined,
      expertOk: undefined,
      mediaReinvite: undefined,
      mediaOk: undefined,
    });
  });

  it("finds the re-INVITE handing the expert's answer to FreeSWITCH by that answer's SDP, and FreeSWITCH's 200 to it", () => {
    const sdp = (session: number, port: number) => `v=0\r\no=phone ${session} 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nm=audio ${port} RTP/AVP 0 101\r\n`;
    const withSdp = (message: string, body: string) => message.replace('Content-Length: 0\r\n\r\n', `Content-Length: ${body.length}\r\n\r\n${body}`);
    const reinvite = (callId: string, body: string) => withSdp(sip('INVITE sip:standby@127.0.0.1:5088 SIP/2.0', { 'Call-ID': callId, CSeq: '2 INVITE' }), body);
    const ok = (callId: string, cseq: string) => sip('SIP/2.0 200 OK', { 'Call-ID': callId, CSeq: cseq });
    const answered = [
      ...frames.slice(0, -1),
      { atMs: t0 + 420, ip: ipv4Udp(PORTS.experts, PORTS.sip, withSdp(expertOk, sdp(1, 16072))) },
      // The agents' phone answers its own call 1 with the same session id, from its own media port.
      { atMs: t0 + 420.5, ip: ipv4Udp(PORTS.sip, 5088, reinvite('fs-agent', sdp(1, 16000))) },
      // Another expert call's answer, handed on first.
      { atMs: t0 + 421, ip: ipv4Udp(PORTS.sip, 5088, reinvite('fs-other', sdp(2, 16072))) },
      { atMs: t0 + 423.5, ip: ipv4Udp(PORTS.sip, 5088, reinvite('fs-expert', sdp(1, 16072))) },
      { atMs: t0 + 423.75, ip: ipv4Udp(5088, PORTS.sip, ok('fs-other', '2 INVITE')) },
      { atMs: t0 + 424, ip: ipv4Udp(5088, PORTS.sip, ok('fs-expert', '1 INVITE')) },
      { atMs: t0 + 424.25, ip: ipv4Udp(5088, PORTS.sip, ok('fs-expert', '2 INVITE')) },
    ];
    expect(new WireStamps(parsePcap(pcap(answered)), PORTS).of('+43980001', 'call-1')).toMatchObject({
      expertOk: t0 + 420,
      mediaReinvite: t0 + 423.5,
      mediaOk: t0 + 424.25,
    });
  });

  describe('a failed call, read from its agent\'s answer', () => {
    const agentOk = sip('SIP/2.0 200 OK', { 'Call-ID': 'a1', CSeq: '1 INVITE' });
    const event = (type: string, callId: string) => `event: ${type}\ndata: {"id":"1-0","type":"${type}","data":{"callId":"${callId}","agentId":"agent1"}}\n\n`;
    const bye = sip('BYE sip:1000@127.0.0.1:5070 SIP/2.0', { From: '<sip:+43980001@127.0.0.1:16000>;tag=a', 'Call-ID': 'c1' });
    const failedCall = [
      { atMs: t0, ip: ipv4Udp(16000, PORTS.sip, customerInvite) },
      { atMs: t0 + 9.5, ip: ipv4Udp(PORTS.sip, PORTS.agents, agentInvite) },
      // FreeSWITCH's 200 to drachtio and another call's event do not count.
      { atMs: t0 + 15, ip: ipv4Udp(5088, PORTS.sip, agentOk) },
      { atMs: t0 + 20, ip: ipv4Udp(PORTS.agents, PORTS.sip, agentOk) },
      // Two events in one segment: call-1 offered, call-2 answered.
      { atMs: t0 + 30, ip: ipv4Tcp(PORTS.service, 40001, event('call.offered', 'call-1') + event('call.answered', 'call-2')) },
      { atMs: t0 + 45, ip: ipv4Tcp(PORTS.service, 40001, event('call.answered', 'call-1')) },
      { atMs: t0 + 5020, ip: ipv4Udp(16000, PORTS.sip, bye) },
      { atMs: t0 + 5500, ip: ipv4Tcp(40000, PORTS.service, 'POST /v1/calls/call-1/escalations HTTP/1.1\r\nhost: x\r\n\r\n') },
    ];
    const stamps = new WireStamps(parsePcap(pcap(failedCall)), PORTS);
    const answer = stamps.answerOf('+43980001', 'call-1');
    const requested = stamps.of('+43980001', 'call-1').requested;

    it('finds the agent\'s 200 OK, the answer event sent to this bench and the customer\'s BYE', () => {
      expect(answer).toEqual({ agentOk: t0 + 20, answerEvent: t0 + 45, customerBye: t0 + 5020 });
      expect(answerTimeline(answer, requested)).toBe(
        "on the wire from the agent's 200 OK: answer event to this bench +25 ms, its escalation request +5480 ms, the customer's BYE +5000 ms",
      );
    });

    it('says nothing without the agent\'s answer', () => {
      expect(answerTimeline({}, requested)).toBeUndefined();
      expect(answerTimeline({ agentOk: t0 }, undefined)).toContain('its escalation request none');
    });
  });

  it('refuses a file that is no pcap', () => {
    expect(() => parsePcap(Buffer.alloc(24))).toThrow('not a pcap file');
  });
});
