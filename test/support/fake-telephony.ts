import type { LegHandles } from '../../src/domain/call';
import type {
  ConnectionState,
  DialFailed,
  DialRequest,
  InboundCall,
  Leg,
  MediaServerStatus,
  MemberControl,
  OutboundDial,
  RegistrarHandlers,
  Telephony,
  TransferOutcome,
} from '../../src/services/ports/telephony';

// In-memory telephony: rooms are sets of legs; tests play the phones.

let nextId = 1;

export class FakeLeg implements Leg {
  readonly id = `leg-${nextId++}`;
  readonly dialogId = `dialog-of-${this.id}`;
  readonly mediaServer = 'fs-test';
  room?: string;
  memberId?: string;
  hungUp = false;
  private readonly endListeners: ((by: 'remote' | 'media') => void)[] = [];
  private readonly holdListeners: ((held: boolean) => void)[] = [];
  private transferHandler?: (target: string) => Promise<TransferOutcome>;

  constructor(
    private readonly media: FakeTelephony,
    readonly label: string,
  ) {}

  /** How a failed assertion prints the leg: by name, not with the whole service it reaches through `media`. */
  toJSON() {
    return { id: this.id, label: this.label, memberId: this.memberId, hungUp: this.hungUp };
  }

  /** Holds the join until it settles: lets a test act while the leg is joining its room. */
  joinGate?: Promise<void>;

  async join(room: string) {
    await this.joinGate;
    if (this.hungUp) throw new Error('leg is gone');
    this.room = room;
    this.memberId = String(nextId++);
    this.media.rooms.set(room, [...(this.media.rooms.get(room) ?? []), this]);
    return { memberId: this.memberId };
  }

  async hangup() {
    if (this.hungUp) return;
    this.hungUp = true;
    this.leaveRoom();
  }

  onEnded(listener: (by: 'remote' | 'media') => void) {
    this.endListeners.push(listener);
  }

  onPhoneHold(listener: (held: boolean) => void) {
    this.holdListeners.push(listener);
  }

  /** The phone's hold button: a re-INVITE the media server has followed. */
  phoneHold(held: boolean) {
    for (const l of this.holdListeners) l(held);
  }

  onTransferRequest(handler: (target: string) => Promise<TransferOutcome>) {
    this.transferHandler = handler;
  }

  /** The phone's transfer button to `target`; without a handler the adapter refuses it (501). */
  pressTransfer(target: string): Promise<TransferOutcome> {
    return this.transferHandler?.(target) ?? Promise.resolve({ accepted: false, status: 501, reason: 'Transfer From The Console' });
  }

  /** The phone hangs up (a BYE from the far end). */
  remoteHangup() {
    if (this.hungUp) return;
    this.hungUp = true;
    this.leaveRoom();
    for (const l of this.endListeners) l('remote');
  }

  private leaveRoom() {
    if (!this.room) return;
    const left = (this.media.rooms.get(this.room) ?? []).filter((l) => l !== this);
    if (left.length) this.media.rooms.set(this.room, left);
    else this.media.rooms.delete(this.room);
  }
}

export class FakeInbound implements InboundCall {
  readonly sipCallId = `sip-${nextId++}`;
  answered?: FakeLeg;
  rejected?: { status: number; reason?: string };
  /** Holds the answer until it settles: lets a test act while the customer is being answered. */
  answerGate?: Promise<void>;
  /** Given to the customer's leg: holds its join to the room. */
  joinGate?: Promise<void>;
  /** What answer() fails with, as the adapter would (e.g. an offer FreeSWITCH refuses). */
  answerError?: Error;
  cancelled = false;
  private cancelListener?: () => void;

  constructor(
    private readonly media: FakeTelephony,
    readonly from: string,
    readonly to: string,
  ) {}

  get mediaServer() {
    return this.media.mediaDown ? undefined : 'fs-test';
  }

  async answer() {
    await this.answerGate;
    if (this.media.mediaDown) throw new Error('no media server');
    if (this.answerError) throw this.answerError;
    if (this.cancelled) throw new Error('the caller cancelled');
    this.answered = new FakeLeg(this.media, `customer ${this.from}`);
    this.answered.joinGate = this.joinGate;
    this.media.legs.push(this.answered);
    return this.answered;
  }

  async reject(status: number, reason?: string) {
    this.rejected = { status, reason };
  }

  onCancelled(listener: () => void) {
    this.cancelListener = listener;
  }

  cancel() {
    this.cancelled = true;
    this.cancelListener?.();
  }
}

export class FakeDial implements OutboundDial {
  readonly result: Promise<{ answered: Leg } | { failed: DialFailed }>;
  cancelled = false;
  leg?: FakeLeg;
  /** Every URI the dial rings at once (a person's registered phones); [] while the look-up runs. */
  uris: readonly string[] = [];
  private settle!: (r: { answered: Leg } | { failed: DialFailed }) => void;
  private settled = false;
  private ringingListener?: () => void;
  private readonly phoneRingingListeners: (() => void)[] = [];
  /** The phones ringing, by URI: one INVITE each. */
  private readonly rung = new Set<string>();

  constructor(
    private readonly media: FakeTelephony,
    /** `uri`: the first of `uris` ('' while the look-up runs). */
    readonly request: Omit<DialRequest, 'uri'> & { uri: string },
  ) {
    this.result = new Promise((resolve) => (this.settle = resolve));
  }

  onRinging(listener: () => void) {
    this.ringingListener = listener;
  }

  onPhoneRinging(listener: () => void) {
    this.phoneRingingListeners.push(listener);
  }

  /** One INVITE per phone rung, while nobody has answered. */
  pendingInvites() {
    return this.settled ? [] : [...this.rung].map((uri) => `invite-to-${uri}`);
  }

  /** A phone rings: the first of `uris` unless another is named (a fork's later phone). */
  ring(uri = this.uris[0] ?? this.request.uri) {
    this.rung.add(uri);
    if (this.rung.size === 1) this.ringingListener?.();
    for (const listener of this.phoneRingingListeners) listener();
  }

  /** The phone answers: resolves with a fresh leg. A 200 after our CANCEL is hung up at once, as the adapter does. */
  answer(): FakeLeg {
    const leg = new FakeLeg(this.media, this.request.uri);
    this.leg = leg;
    this.media.legs.push(leg);
    if (this.cancelled) void leg.hangup();
    this.finish({ answered: leg });
    return leg;
  }

  fail(outcome: DialFailed['outcome'], status?: number) {
    this.finish({ failed: { outcome, status } });
  }

  cancel() {
    // Like the real adapter: a cancel after answer hangs the answered leg up.
    this.cancelled = true;
    if (this.leg) void this.leg.hangup();
    this.finish({ failed: { outcome: 'cancelled', status: 487 } });
  }

  get pending() {
    return !this.settled;
  }

  private finish(r: { answered: Leg } | { failed: DialFailed }) {
    if (this.settled) return;
    this.settled = true;
    this.settle(r);
  }
}

export class FakeTelephony implements Telephony {
  readonly rooms = new Map<string, FakeLeg[]>();
  readonly legs: FakeLeg[] = [];
  readonly dials: FakeDial[] = [];
  readonly controls: { room: string; memberId: string; control: MemberControl }[] = [];
  readonly plays: { room: string; memberId: string; sound: string }[] = [];
  /** Legs of other instances' calls hung up here, and their INVITEs cancelled. */
  readonly lostHangUps: { mediaServer: string; handles: LegHandles }[] = [];
  readonly lostInvitesCancelled: string[] = [];
  registrar?: RegistrarHandlers;
  mediaDown = false;
  private inbound?: (call: InboundCall) => void;

  onInboundCall(handler: (call: InboundCall) => void) {
    this.inbound = handler;
  }

  /** A customer's INVITE arrives. */
  call(from: string, to = '100', opts: { answerGate?: Promise<void>; joinGate?: Promise<void>; answerError?: Error } = {}): FakeInbound {
    const call = new FakeInbound(this, from, to);
    call.answerGate = opts.answerGate;
    call.joinGate = opts.joinGate;
    call.answerError = opts.answerError;
    this.inbound?.(call);
    return call;
  }

  dial(request: DialRequest): FakeDial {
    const { uri } = request;
    const dial = new FakeDial(this, { ...request, uri: typeof uri === 'string' ? uri : '' });
    if (typeof uri === 'string') dial.uris = [uri];
    // Like the adapter: a look-up that finds nothing fails the dial as unavailable.
    else {
      void uri.then(
        (found) => {
          dial.uris = found;
          if (found[0]) dial.request.uri = found[0];
          else dial.fail('unavailable');
        },
        () => dial.fail('unavailable'),
      );
    }
    this.dials.push(dial);
    return dial;
  }

  async controlMember(_server: string, room: string, memberId: string, control: MemberControl) {
    const leg = this.rooms.get(room)?.find((l) => l.memberId === memberId);
    if (!leg) throw new Error(`no member ${memberId} in ${room}`);
    this.controls.push({ room, memberId, control });
    if (control === 'kick') leg.remoteHangup();
  }

  async hangUpLost(mediaServer: string, handles: LegHandles) {
    this.lostHangUps.push({ mediaServer, handles });
  }

  async cancelLost(inviteIds: readonly string[]) {
    this.lostInvitesCancelled.push(...inviteIds);
  }

  async playToMember(_server: string, room: string, memberId: string, sound: string) {
    if (!this.rooms.get(room)?.some((l) => l.memberId === memberId)) throw new Error(`no member ${memberId} in ${room}`);
    this.plays.push({ room, memberId, sound });
  }

  serveRegistrar(handlers: RegistrarHandlers) {
    this.registrar = handlers;
  }

  signallingState(): ConnectionState {
    return 'connected';
  }

  mediaServers(): MediaServerStatus[] {
    return [{ name: 'fs-test', state: this.mediaDown ? 'disconnected' : 'connected', load: this.legs.filter((l) => !l.hungUp).length }];
  }

  async close() {}

  /** Legs still up: after any scenario, only the ones the scenario expects. */
  liveLegs(): FakeLeg[] {
    return this.legs.filter((l) => !l.hungUp);
  }

  pendingDials(): FakeDial[] {
    return this.dials.filter((d) => d.pending);
  }
}
