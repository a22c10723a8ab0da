import type { Socket } from 'node:net';

// The subset of drachtio-srf 5.0.29 and drachtio-fsmrf 4.1.2 this adapter uses,
// typed as the libraries behave at run time. srf's bundled .d.ts has drifted
// (cbRequest is called (err, req); the dialog's destroy listener gets
// (req, reason); dialog.destroy() returns a promise; callingNumber is missing;
// connect() returns no promise) and fsmrf ships no types. Only
// drachtio-adapter.ts turns the libraries' objects into these.

export type SipHeaders = Record<string, string>;

/** A parsed From/To/Contact value. */
export interface NameAddr {
  name?: string;
  uri: string;
  params?: Record<string, string | null | undefined>;
}

export interface SipMessage {
  readonly body: string;
  readonly callId: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Adds a header (before it is read; e.g. a default). */
  set(name: string, value: string): void;
  getParsedHeader(name: 'From' | 'To'): NameAddr;
  getParsedHeader(name: 'Contact'): NameAddr[];
}

/**
 * Set on REGISTER requests by drachtio-mw-registration-parser. Its type and
 * expires go unread: they are the first contact's, and each contact has its own.
 */
export interface ParsedRegistration {
  contact: NameAddr[];
  aor: string;
}

/** Set by our digest authentication (digest-auth.ts) once the password checked out. */
export interface ParsedAuthorization {
  username: string;
  realm: string;
}

export interface SipRequest extends SipMessage {
  readonly method: string;
  /** The Request-URI. */
  readonly uri: string;
  /** Set by srf when a CANCEL for this INVITE arrived. */
  canceled?: boolean;
  /** drachtio-server's id of the transaction (of a request we sent: once it is sent). */
  readonly stackTxnId?: string;
  /** Where the request came from, as drachtio-server saw it. */
  readonly source_address: string;
  readonly source_port: number;
  /** "udp", "tcp", "tls", "ws" … */
  readonly protocol: string;
  registration?: ParsedRegistration;
  authorization?: ParsedAuthorization;
  /** A CANCEL for this (received) INVITE arrived. */
  on(event: 'cancel', listener: () => void): void;
  /**
   * CANCELs this (sent) INVITE. drachtio's stack sends it once a provisional
   * response (a 100 Trying too) has arrived, and sends nothing if none does.
   */
  cancel(callback?: (err: unknown) => void): void;
}

export interface SipResponseOptions {
  headers?: SipHeaders;
  body?: string;
}

export interface SipResponse {
  readonly status: number;
  readonly reason: string;
  readonly finalResponseSent: boolean;
  send(status: number, reason?: string, opts?: SipResponseOptions): void;
  send(status: number, opts?: SipResponseOptions): void;
}

/** An established INVITE dialog. */
export interface Dialog {
  /** drachtio-server's id of the dialog: any app connected to it may send a request inside it. */
  readonly id: string;
  readonly sip: { callId: string };
  /** Our side: the SDP the far end has from us, and our Contact. */
  readonly local: { sdp: string; contact?: string };
  readonly remote: { sdp: string };
  /** Sends BYE; emits nothing, removes the listeners. */
  destroy(opts?: { headers?: SipHeaders }): Promise<unknown>;
  /** Fires only on the far end's BYE (our own destroy() emits nothing). */
  on(event: 'destroy', listener: (req: SipRequest, reason?: string) => void): this;
  /**
   * The far end's re-INVITE (hold, a new address or codec). With a listener,
   * srf leaves the answer to it; without one it answers with our last SDP.
   */
  on(event: 'modify', listener: (req: SipRequest, res: SipResponse) => void): this;
  /** The far end's UPDATE or REFER; without a listener srf answers 200 and does nothing more. */
  on(event: 'update' | 'refer', listener: (req: SipRequest, res: SipResponse) => void): this;
  off(event: 'modify' | 'update', listener: (req: SipRequest, res: SipResponse) => void): this;
  /** The ACK of our 200 OK; after a late offer it carries the far end's answer (srf sets remote.sdp first). */
  once(event: 'ack', listener: (req: SipRequest) => void): this;
  /** Sends a request in the dialog (a NOTIFY …); resolves with the far end's final response. */
  request(opts: { method: string; headers?: SipHeaders; body?: string }): Promise<unknown>;
}

export interface UacOptions {
  localSdp: string;
  headers: SipHeaders;
  callingNumber?: string;
}

export interface UacProgress {
  cbRequest: (err: unknown, req?: SipRequest) => void;
  cbProvisional: (res: SipResponse) => void;
}

export type SipNext = (err?: unknown) => void;
export type SipMiddleware = (req: SipRequest, res: SipResponse, next: SipNext) => void;

export interface SrfConnectOptions {
  host: string;
  port: number;
  secret: string;
  reconnect: { retryMaxDelay: number };
}

export interface Srf {
  connect(opts: SrfConnectOptions): void;
  disconnect(): void;
  on(event: 'connect', listener: (err: Error | null, hostport?: string) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'reconnecting', listener: (info: { delay: number; attempt: number }) => void): this;
  invite(handler: (req: SipRequest, res: SipResponse) => void): void;
  options(handler: (req: SipRequest, res: SipResponse) => void): void;
  /** Requests of these methods that come outside any dialog srf holds. */
  subscribe(handler: (req: SipRequest, res: SipResponse) => void): void;
  notify(handler: (req: SipRequest, res: SipResponse) => void): void;
  info(handler: (req: SipRequest, res: SipResponse) => void): void;
  publish(handler: (req: SipRequest, res: SipResponse) => void): void;
  message(handler: (req: SipRequest, res: SipResponse) => void): void;
  use(method: string, middleware: SipMiddleware[]): void;
  createUAS(req: SipRequest, res: SipResponse, opts: { localSdp: string; headers?: SipHeaders }): Promise<Dialog>;
  /** Mutates `opts` (uri, From, Contact): pass a fresh object each time. */
  createUAC(uri: string, opts: UacOptions, progress: UacProgress): Promise<Dialog>;
  /**
   * Sends a request inside a dialog drachtio-server holds, by its id, or a
   * CANCEL of an INVITE it is still sending, by its transaction id: also ones
   * another app set up. A Request-URI containing "placeholder" has drachtio use
   * the dialog's remote target (srf's own in-dialog requests pass
   * 'sip:placeholder'); a CANCEL goes where its INVITE went. Resolves once
   * drachtio has sent it, not on the response; rejects when drachtio has no
   * such dialog or transaction.
   */
  request(opts: { uri: string; method: string; stackDialogId: string; headers?: SipHeaders } | { uri: string; method: 'CANCEL'; stackTxnId: string }): Promise<unknown>;
}

/** A final non-2xx response as createUAC rejects with it (drachtio-srf's SipError, not exported in its types). */
export interface SipErrorLike {
  status: number;
  reason?: string;
}

export interface EslEvent {
  getHeader(name: string): string | undefined;
  getBody(): string;
}

export interface EslConnection {
  readonly socket: Socket | null;
  connected(): boolean;
}

export interface ConferenceJoin {
  memberId: number;
  confUuid: string;
}

export interface Endpoint {
  /** The FreeSWITCH channel uuid. */
  readonly uuid: string;
  readonly local: { sdp: string };
  /** Resolves once the member is in; never rejects (a refused join stays pending). */
  join(room: string): Promise<ConferenceJoin>;
  /**
   * fsmrf's SIP dialog with FreeSWITCH. `dialog.modify(sdp)` gives a 3PCC
   * endpoint the far end's answer, or the endpoint a phone's new offer (a
   * re-INVITE); it resolves with FreeSWITCH's SDP. Not `ep.modify()`: after the
   * re-INVITE that makes two more api calls (uuid_set_media_stats, and a ~9 kB
   * uuid_dump) to refresh SDP fields we never read, on the way to every join.
   */
  readonly dialog: { modify(sdp: string): Promise<string> };
  /** Hangs the channel up; resolves on FreeSWITCH's BYE, so it can hang: time it out. */
  destroy(): Promise<void>;
  /** FreeSWITCH hung the channel up, or its event socket closed. */
  on(event: 'destroy', listener: () => void): this;
  off(event: 'destroy', listener: () => void): this;
  /**
   * Queues a dialplan application on the channel; FreeSWITCH runs a channel's
   * applications in order. Rejects when it cannot be sent; never resolves, as
   * channel connections are not told of completions (drachtio-adapter.ts).
   */
  execute(app: string, arg: string): Promise<never>;
  /** An event-socket api command, run at once (not queued behind the channel's applications); resolves with the reply event. */
  api(command: string, args: string): Promise<{ getBody(): string }>;
}

export interface CreateEndpointOptions {
  /** The caller's offer; without it the endpoint makes an offer (3PCC). */
  remoteSdp?: string;
  headers?: SipHeaders;
}

export interface MediaServer {
  readonly conn: EslConnection;
  /** Resolves with the reply text; never rejects on -ERR. */
  api(command: string): Promise<string>;
  createEndpoint(opts: CreateEndpointOptions): Promise<Endpoint>;
  disconnect(): void;
  /** The inbound event socket closed. */
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (err: unknown) => void): this;
}

export interface MrfConnectOptions {
  address: string;
  port: number;
  secret: string;
  listenAddress?: string;
  profile: string;
}

export interface Mrf {
  connect(opts: MrfConnectOptions): Promise<MediaServer>;
}
