import net from 'node:net';

// A FreeSWITCH event socket on a loopback port, as far as the probe before each
// connect talks to it: the auth request, the password's reply, `sofia status`.

export const RUNNING_PROFILE = '             drachtio_mrf\tprofile\t              sip:mod_sofia@127.0.0.1:5080\tRUNNING (0)\n1 profile 0 aliases\n';
export const NO_PROFILE = '0 profiles 0 aliases\n';

export class FakeEventSocket {
  /** What `sofia status` answers: change it to bring the profile up or down. */
  sofiaStatus = RUNNING_PROFILE;
  /** Turned away by the event socket's ACL, as FreeSWITCH does a host it does not know. */
  rejectAll = false;
  /** Connections taken so far (each probe makes one). */
  connections = 0;
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly secret: string) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.rejectAll) {
      socket.end('Content-Type: text/rude-rejection\nContent-Length: 14\n\nAccess Denied\n');
      return;
    }
    socket.write('Content-Type: auth/request\n\n');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      for (let end = received.indexOf('\n\n'); end >= 0; end = received.indexOf('\n\n')) {
        this.answer(socket, received.slice(0, end).trim());
        received = received.slice(end + 2);
      }
    });
  }

  private answer(socket: net.Socket, command: string): void {
    if (command.startsWith('auth ')) {
      const ok = command.slice('auth '.length) === this.secret;
      socket.write(`Content-Type: command/reply\nReply-Text: ${ok ? '+OK accepted' : '-ERR invalid'}\n\n`);
    } else if (command === 'api sofia status') {
      const body = Buffer.from(this.sofiaStatus);
      socket.write(`Content-Type: api/response\nContent-Length: ${body.length}\n\n`);
      socket.write(body);
    } else if (command === 'exit') {
      socket.end();
    }
  }
}
