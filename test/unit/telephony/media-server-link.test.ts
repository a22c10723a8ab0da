import { EventEmitter } from 'node:events';
import type { EslConnection, MediaServer, Mrf, MrfConnectOptions } from '../../../src/telephony/drachtio-api';
import { MediaOperationError, MediaUnavailableError } from '../../../src/telephony/errors';
import { MediaServerLink, type MediaServerTimings } from '../../../src/telephony/media-servers';
import { eventually } from '../../support/eventually';
import { FakeEventSocket, NO_PROFILE, RUNNING_PROFILE } from './fake-event-socket';
import { deferred, FakeEndpoint, silentLog } from './fakes';

// The connection to one FreeSWITCH: the probe runs against a fake event socket
// on a real port, fsmrf's connect is a fake that the test settles.

const SECRET = 'ClueCon';

const TIMINGS: MediaServerTimings = {
  probeMs: 1000,
  connectMs: 200,
  retryMinMs: 20,
  retryMaxMs: 40,
  sampleEveryMs: 60_000,
  apiMs: 100,
  createEndpointMs: 200,
  hangupMs: 100,
  standbyRetryMs: 50,
  standbyMaxIdleMs: 60_000,
  standbyRefillDelayMs: 0,
};

class FakeMediaServer extends EventEmitter {
  readonly conn = {} as EslConnection;
  disconnects = 0;
  readonly endpoints: FakeEndpoint[] = [];
  api = jest.fn(async (command: string): Promise<string> => (command === 'status' ? '3 session(s) - peak 5, last 5min 3\n' : '+OK\n'));
  createEndpoint = jest.fn(async () => {
    const endpoint = new FakeEndpoint();
    this.endpoints.push(endpoint);
    return endpoint;
  });

  disconnect() {
    this.disconnects += 1;
  }
}

/** fsmrf's connect: each call waits for the test to answer it, unless told to connect at once. */
class FakeMrf implements Mrf {
  readonly calls: { opts: MrfConnectOptions; answer: ReturnType<typeof deferred<MediaServer>> }[] = [];
  readonly servers: FakeMediaServer[] = [];
  connectAtOnce = true;

  connect(opts: MrfConnectOptions): Promise<MediaServer> {
    const answer = deferred<MediaServer>();
    this.calls.push({ opts, answer });
    if (this.connectAtOnce) answer.resolve(this.newServer());
    return answer.promise;
  }

  newServer(): MediaServer {
    const server = new FakeMediaServer();
    this.servers.push(server);
    return server as unknown as MediaServer;
  }
}

const links: MediaServerLink[] = [];
let socket: FakeEventSocket;
let port: number;

beforeEach(async () => {
  socket = new FakeEventSocket(SECRET);
  port = await socket.listen();
});

afterEach(async () => {
  await Promise.all(links.splice(0).map((link) => link.close()));
  await socket.close();
});

function linkTo(mrf: Mrf, overrides: { secret?: string; standbyEndpoints?: number } = {}) {
  const link = new MediaServerLink(
    mrf,
    { host: '127.0.0.1', port },
    { servers: [{ host: '127.0.0.1', port }], secret: overrides.secret ?? SECRET, profile: 'drachtio_mrf', listenAddress: '127.0.0.1', standbyEndpoints: overrides.standbyEndpoints ?? 0 },
    silentLog,
    TIMINGS,
  );
  links.push(link);
  link.start();
  return link;
}

describe('MediaServerLink', () => {
  it('connects through fsmrf once the event socket lets it in and the SIP profile runs, with our settings', async () => {
    const mrf = new FakeMrf();
    const link = linkTo(mrf);
    await eventually(() => expect(link.connected).toBe(true));
    expect(mrf.calls.map((c) => c.opts)).toEqual([
      { address: '127.0.0.1', port, secret: SECRET, profile: 'drachtio_mrf', listenAddress: '127.0.0.1' },
    ]);
    expect(link.status()).toMatchObject({ name: `127.0.0.1:${port}`, state: 'connected' });
    // The load is FreeSWITCH's own count of its sessions, sampled from the start.
    await eventually(() => expect(link.load).toBe(3));
  });

  it('waits for the SIP profile (FreeSWITCH restarting: its event socket is up first), saying why, and never calls fsmrf meanwhile', async () => {
    socket.sofiaStatus = NO_PROFILE;
    const mrf = new FakeMrf();
    const link = linkTo(mrf);
    await eventually(() => expect(socket.connections).toBeGreaterThanOrEqual(3));
    // Between tries it is 'disconnected', during one 'connecting'; the reason stays.
    expect(link.connected).toBe(false);
    expect(link.status()).toMatchObject({ detail: 'SIP profile drachtio_mrf is not running' });
    expect(mrf.calls).toHaveLength(0);
    await expect(link.openEndpoint({})).rejects.toBeInstanceOf(MediaUnavailableError);

    socket.sofiaStatus = RUNNING_PROFILE;
    await eventually(() => expect(link.connected).toBe(true));
    expect(mrf.calls).toHaveLength(1);
  });

  it('says the password was refused, or the ACL turned it away, and leaves fsmrf out of it', async () => {
    const mrf = new FakeMrf();
    const wrongPassword = linkTo(mrf, { secret: 'not-the-secret' });
    await eventually(() => expect(wrongPassword.status()).toMatchObject({ detail: 'event-socket password refused' }));
    await wrongPassword.close();
    socket.rejectAll = true;
    const notAllowed = linkTo(mrf);
    await eventually(() => expect(notAllowed.status()).toMatchObject({ detail: 'refused by the event-socket ACL' }));
    expect(mrf.calls).toHaveLength(0);
  });

  it("gives up on an fsmrf connect that does not settle, tries again, and disconnects the late one when it comes", async () => {
    const mrf = new FakeMrf();
    mrf.connectAtOnce = false;
    const link = linkTo(mrf);
    await eventually(() => expect(mrf.calls).toHaveLength(2), 2000);
    expect(link.status()).toMatchObject({ state: 'connecting' });
    const late = mrf.newServer() as unknown as FakeMediaServer;
    mrf.calls[0]!.answer.resolve(late as unknown as MediaServer);
    await eventually(() => expect(late.disconnects).toBe(1));
    mrf.calls[1]!.answer.resolve(mrf.newServer());
    await eventually(() => expect(link.connected).toBe(true));
  });

  it('reconnects after the event socket closes: the lost server is disconnected and new endpoints come from the new one', async () => {
    const mrf = new FakeMrf();
    const link = linkTo(mrf);
    await eventually(() => expect(link.connected).toBe(true));
    const [first] = mrf.servers;
    socket.sofiaStatus = NO_PROFILE;
    first!.emit('end');
    expect(link.status()).toMatchObject({ state: 'disconnected', load: 0 });
    expect(first!.disconnects).toBe(1);
    await expect(link.api('status')).rejects.toBeInstanceOf(MediaUnavailableError);

    socket.sofiaStatus = RUNNING_PROFILE;
    await eventually(() => expect(link.connected).toBe(true));
    const second = mrf.servers[1]!;
    const opened = await link.openEndpoint({});
    expect(second.endpoints).toEqual([opened.endpoint]);
    expect(first!.createEndpoint).not.toHaveBeenCalled();
    // A second 'end' from the old server changes nothing.
    first!.emit('end');
    expect(link.connected).toBe(true);
  });

  it('keeps its standby endpoints on the server that made them: a new server makes its own', async () => {
    const mrf = new FakeMrf();
    const link = linkTo(mrf, { standbyEndpoints: 1 });
    await eventually(() => expect(mrf.servers[0]?.endpoints).toHaveLength(1));
    const [first] = mrf.servers;
    first!.emit('end');
    await eventually(() => expect(mrf.servers[1]?.endpoints).toHaveLength(1));
    const opened = await link.openEndpoint({});
    expect(opened.endpoint).toBe(mrf.servers[1]!.endpoints[0]);
    expect(first!.endpoints[0]!.destroy).toHaveBeenCalled();
  });

  it('an API command without an answer in time fails with the command named', async () => {
    const mrf = new FakeMrf();
    const link = linkTo(mrf);
    await eventually(() => expect(link.connected).toBe(true));
    mrf.servers[0]!.api.mockImplementation(() => new Promise<string>(() => undefined));
    const failure = link.api('conference call-1 list');
    await expect(failure).rejects.toBeInstanceOf(MediaOperationError);
    await expect(failure).rejects.toThrow('conference call-1 list failed: no reply in time');
  });

  it('closed while fsmrf connects: the server that comes after is disconnected, and nothing is tried again', async () => {
    const mrf = new FakeMrf();
    mrf.connectAtOnce = false;
    const link = linkTo(mrf);
    await eventually(() => expect(mrf.calls).toHaveLength(1));
    await link.close();
    const late = mrf.newServer() as unknown as FakeMediaServer;
    mrf.calls[0]!.answer.resolve(late as unknown as MediaServer);
    await eventually(() => expect(late.disconnects).toBe(1));
    const probes = socket.connections;
    await new Promise((r) => setTimeout(r, TIMINGS.retryMaxMs * 3));
    expect(socket.connections).toBe(probes);
    expect(link.connected).toBe(false);
  });
});
