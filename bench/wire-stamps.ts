import { sipHeader } from '../test/e2e/support/sip-header';
import type { WirePacket } from './wire-capture';

/** The ports the measured messages travel between. */
export interface BenchPorts {
  /** drachtio-server's SIP port, where the phones send. */
  sip: number;
  /** The service's HTTP port. */
  service: number;
  /** The sipp playing every agent's phone, and the one playing every expert's. */
  agents: number;
  experts: number;
}

/** When each message of one call crossed the wire, epoch ms; a missing one was not captured. */
export interface CallStamps {
  customerInvite?: number;
  agentInvite?: number;
  requested?: number;
  expertInvite?: number;
  expertOk?: number;
  /** Our re-INVITE handing the expert's answer to FreeSWITCH, and its 200 to it: the steps of (c). */
  mediaReinvite?: number;
  mediaOk?: number;
}

/**
 * When a call's agent answered, the service told this bench so (the
 * call.answered event it escalates on), and the customer hung up: what a
 * failed call is read against, to tell the stack's lateness from this bench's.
 */
export interface AnswerStamps {
  agentOk?: number;
  answerEvent?: number;
  customerBye?: number;
}

/**
 * Finds each call's messages in a capture: the first packet of each, as a
 * retransmission comes later.
 */
export class WireStamps {
  private readonly toDrachtio: WirePacket[];
  private readonly toAgents: WirePacket[];
  private readonly toExperts: WirePacket[];
  private readonly fromExperts: WirePacket[];
  private readonly toService: WirePacket[];
  private readonly fromAgents: WirePacket[];
  private readonly fromService: WirePacket[];
  private readonly byes: WirePacket[];
  private readonly fromDrachtio: WirePacket[];
  private readonly oksToDrachtio: WirePacket[];

  constructor(packets: readonly WirePacket[], ports: BenchPorts) {
    const invites = packets.filter((p) => p.payload.startsWith('INVITE '));
    this.toDrachtio = invites.filter((p) => p.dstPort === ports.sip);
    this.toAgents = invites.filter((p) => p.srcPort === ports.sip && p.dstPort === ports.agents);
    this.toExperts = invites.filter((p) => p.srcPort === ports.sip && p.dstPort === ports.experts);
    this.fromExperts = packets.filter((p) => p.srcPort === ports.experts && p.dstPort === ports.sip && p.payload.startsWith('SIP/2.0 200'));
    this.toService = packets.filter((p) => p.dstPort === ports.service && p.payload.startsWith('POST '));
    this.fromAgents = packets.filter((p) => p.srcPort === ports.agents && p.dstPort === ports.sip && p.payload.startsWith('SIP/2.0 200'));
    this.fromService = packets.filter((p) => p.srcPort === ports.service);
    this.byes = packets.filter((p) => p.dstPort === ports.sip && p.payload.startsWith('BYE '));
    this.fromDrachtio = invites.filter((p) => p.srcPort === ports.sip);
    this.oksToDrachtio = packets.filter((p) => p.dstPort === ports.sip && p.payload.startsWith('SIP/2.0 200'));
  }

  of(customerNumber: string, callId: string): CallStamps {
    const expertInvite = this.toExperts.find((p) => sipHeader(p.payload, 'X-Call-Id') === callId);
    const sipCallId = expertInvite && sipHeader(expertInvite.payload, 'Call-ID');
    const expertOk = sipCallId
      ? this.fromExperts.find((p) => sipHeader(p.payload, 'Call-ID') === sipCallId && /INVITE/.test(sipHeader(p.payload, 'CSeq') ?? ''))
      : undefined;
    const mediaReinvite = expertOk && this.reinviteWith(expertOk);
    return {
      customerInvite: this.toDrachtio.find((p) => sipHeader(p.payload, 'From')?.includes(`<sip:${customerNumber}@`))?.at,
      agentInvite: this.agentInviteOf(customerNumber)?.at,
      requested: this.toService.find((p) => p.payload.startsWith(`POST /v1/calls/${callId}/escalations `))?.at,
      expertInvite: expertInvite?.at,
      expertOk: expertOk?.at,
      mediaReinvite: mediaReinvite?.at,
      mediaOk: mediaReinvite && this.okTo(mediaReinvite)?.at,
    };
  }

  /**
   * The INVITE drachtio sent carrying a phone's answer SDP (its origin and
   * media lines: the phone's session id is its call's number, its port the
   * phone process's): the re-INVITE handing it to FreeSWITCH.
   */
  private reinviteWith(answer: WirePacket): WirePacket | undefined {
    const lines = answer.payload.split(/\r?\n/).filter((line) => line.startsWith('o=') || line.startsWith('m='));
    if (lines.length < 2) return undefined;
    return this.fromDrachtio.find((p) => lines.every((line) => p.payload.includes(line)));
  }

  private okTo(request: WirePacket): WirePacket | undefined {
    const callId = sipHeader(request.payload, 'Call-ID');
    const cseq = sipHeader(request.payload, 'CSeq');
    return this.oksToDrachtio.find((p) => sipHeader(p.payload, 'Call-ID') === callId && sipHeader(p.payload, 'CSeq') === cseq);
  }

  private agentInviteOf(customerNumber: string): WirePacket | undefined {
    return this.toAgents.find((p) => sipHeader(p.payload, 'X-Customer') === customerNumber);
  }

  answerOf(customerNumber: string, callId: string): AnswerStamps {
    const agentInvite = this.agentInviteOf(customerNumber);
    const sipCallId = agentInvite && sipHeader(agentInvite.payload, 'Call-ID');
    return {
      agentOk: sipCallId ? this.fromAgents.find((p) => sipHeader(p.payload, 'Call-ID') === sipCallId && /INVITE/.test(sipHeader(p.payload, 'CSeq') ?? ''))?.at : undefined,
      // One segment can carry several events of the stream (an event ends with a blank line): both must be in the same one.
      answerEvent: this.fromService.find((p) =>
        p.payload.split('\n\n').some((event) => event.includes('"type":"call.answered"') && event.includes(`"callId":"${callId}"`)),
      )?.at,
      customerBye: this.byes.find((p) => sipHeader(p.payload, 'From')?.includes(`<sip:${customerNumber}@`))?.at,
    };
  }
}

/** A failed call read on the wire from its agent's 200 OK on; undefined without that 200. */
export function answerTimeline(answer: AnswerStamps, requested: number | undefined): string | undefined {
  const { agentOk } = answer;
  if (agentOk === undefined) return undefined;
  const after = (t: number | undefined) => (t === undefined ? 'none' : `+${(t - agentOk).toFixed(0)} ms`);
  return `on the wire from the agent's 200 OK: answer event to this bench ${after(answer.answerEvent)}, its escalation request ${after(requested)}, the customer's BYE ${after(answer.customerBye)}`;
}
