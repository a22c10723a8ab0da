import { EventEmitter } from 'node:events';
import pino from 'pino';
import type {
  CreateEndpointOptions,
  Dialog,
  Endpoint,
  SipRequest,
  SipResponse,
  UacOptions,
  UacProgress,
} from '../../../src/telephony/drachtio-api';
import type { FailedLoginCounter } from '../../../src/services/ports/telephony';
import type { MediaChannels, OpenedEndpoint } from '../../../src/telephony/media-servers';

// In-memory stand-ins for fsmrf endpoints, srf dialogs and createUAC, so the
// races of the adapter can be played step by step.

export const silentLog = pino({ level: 'silent' });

/** Leg timings' probe of a held phone, off: tests that hold turn it on themselves. */
export const PROBE_OFF = { everyMs: 0, answerMs: 0 };

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

export class FakeEndpoint extends EventEmitter implements Endpoint {
  static count = 0;
  readonly uuid = `ep-${++FakeEndpoint.count}`;
  readonly local = { sdp: 'v=0 offer-from-freeswitch' };
  join = jest.fn((_room: string) => Promise.resolve({ memberId: 7, confUuid: 'conf-1' }));
  readonly dialog = { modify: jest.fn((_sdp: string) => Promise.resolve('v=0 answer-from-freeswitch')) };
  destroy = jest.fn(() => Promise.resolve());
  // As on a live channel connection: queued, never told of completion.
  execute = jest.fn((_app: string, _arg: string) => new Promise<never>(() => undefined));
  api = jest.fn((_command: string, _args: string) => Promise.resolve({ getBody: () => '+OK\n' }));
}

export class FakeDialog extends EventEmitter implements Dialog {
  readonly id = 'call-1;from-tag=phone-1';
  readonly sip = { callId: 'call-1' };
  readonly local = { sdp: 'local' };
  readonly remote = { sdp: 'v=0 answer-from-phone' };
  destroy = jest.fn(() => Promise.resolve({}));
  request = jest.fn((_opts: { method: string; headers?: Record<string, string>; body?: string }) => Promise.resolve({}));
  /** The phone hangs up. */
  remoteBye() {
    this.emit('destroy', {} as SipRequest, 'normal release');
  }
  /**
   * The phone re-INVITEs with this offer (srf takes it as the remote SDP first,
   * even an empty one, and with no 'modify' listener answers 200 with our SDP
   * itself); returns the response's send.
   */
  remoteReinvite(body: string) {
    this.remote.sdp = body;
    if (this.listenerCount('modify') > 0) return this.remoteRequest('modify', body);
    const send = jest.fn();
    send(200, { body: this.local.sdp });
    return send;
  }

  /** The phone's ACK, with an answer or none (srf takes an answer as the remote SDP first). */
  remoteAck(body = '') {
    if (body) this.remote.sdp = body;
    this.emit('ack', { body } as SipRequest);
  }

  /** Any other request in the dialog (update, refer …), as srf emits it. */
  remoteRequest(event: string, body = '', headers: Record<string, string> = {}) {
    const res = { send: jest.fn(), status: 0, reason: '', finalResponseSent: false };
    this.emit(event, { body, get: (name: string) => headers[name] } as SipRequest, res as unknown as SipResponse);
    return res.send;
  }
}

export class FakeMedia implements MediaChannels {
  readonly name = 'fs-1:8021';
  readonly endpoints: FakeEndpoint[] = [];
  readonly released: string[] = [];
  openOptions: CreateEndpointOptions[] = [];
  failWith?: Error;
  gate?: Promise<void>;
  api = jest.fn((_command: string) => Promise.resolve('+OK'));

  async openEndpoint(opts: CreateEndpointOptions): Promise<OpenedEndpoint> {
    this.openOptions.push(opts);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    const endpoint = new FakeEndpoint();
    this.endpoints.push(endpoint);
    return { endpoint, release: () => this.released.push(endpoint.uuid) };
  }
}

let invitesSent = 0;

export class FakeInvite {
  /** drachtio's transaction id, as srf sets it once the INVITE is sent. */
  readonly stackTxnId = `txn-${++invitesSent}`;
  cancel = jest.fn((_callback?: (err: unknown) => void) => undefined);
}

/** createUAC whose INVITE outcome the test decides. */
export class FakeUac {
  readonly calls: { uri: string; opts: UacOptions; progress: UacProgress; outcome: ReturnType<typeof deferred<Dialog>>; invite: FakeInvite }[] = [];

  createUAC = jest.fn((uri: string, opts: UacOptions, progress: UacProgress): Promise<Dialog> => {
    const outcome = deferred<Dialog>();
    const invite = new FakeInvite();
    this.calls.push({ uri, opts, progress, outcome, invite });
    progress.cbRequest(null, invite as unknown as SipRequest);
    return outcome.promise;
  });

  get last() {
    const call = this.calls.at(-1);
    if (!call) throw new Error('createUAC was not called');
    return call;
  }

  provisional(status: number) {
    this.last.progress.cbProvisional({ status, reason: 'Ringing', finalResponseSent: false } as unknown as SipResponse);
  }

  answer(): FakeDialog {
    const dialog = new FakeDialog();
    this.last.outcome.resolve(dialog);
    return dialog;
  }

  fail(status: number, reason: string) {
    const err = Object.assign(new Error(`Sip non-success response: ${status}`), { status, reason });
    this.last.outcome.reject(err);
  }
}

/** Blocks a user at an address after `perUser` wrong passwords; the real counter (Redis) is tested in test/integration. */
export class FakeFailedLogins implements FailedLoginCounter {
  private readonly failures = new Map<string, number>();

  constructor(private readonly perUser = 2) {}

  async blocked(address: string, user?: string): Promise<boolean> {
    return (this.failures.get(`${address} ${user}`) ?? 0) >= this.perUser;
  }

  async failed(address: string, user: string): Promise<'user' | undefined> {
    const key = `${address} ${user}`;
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    return (this.failures.get(key) ?? 0) >= this.perUser ? 'user' : undefined;
  }

  async succeeded(address: string, user: string): Promise<void> {
    this.failures.delete(`${address} ${user}`);
  }
}
