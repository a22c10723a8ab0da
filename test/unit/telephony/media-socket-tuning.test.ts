import { EventEmitter } from 'node:events';
import { tuneMediaSockets } from '../../../src/telephony/drachtio-adapter';
import type { MediaServer } from '../../../src/telephony/drachtio-api';

/** An event-socket connection as modesl has it: a socket, send() and subscribe(). */
function fakeConnection() {
  const socket = { setNoDelay: jest.fn(), cork: jest.fn(), uncork: jest.fn() };
  const written: string[] = [];
  const subscribed: string[] = [];
  const conn = {
    socket,
    send: (command: string) => {
      // The write happens while the socket is corked.
      expect(socket.cork.mock.calls.length).toBe(socket.uncork.mock.calls.length + 1);
      written.push(command);
    },
    subscribe: (events: string | string[]) => subscribed.push(Array.isArray(events) ? events.join(' ') : events),
  };
  return { conn, socket, written, subscribed };
}

describe('tuneMediaSockets', () => {
  it('turns Nagle off and writes each command in one go, on the inbound connection and on every channel connection', () => {
    const inbound = fakeConnection();
    const server = new EventEmitter();
    tuneMediaSockets({ conn: inbound.conn, _server: server } as unknown as MediaServer);
    const channel = fakeConnection();
    server.emit('connection::open', channel.conn);

    for (const { conn, socket, written } of [inbound, channel]) {
      expect(socket.setNoDelay).toHaveBeenCalledWith(true);
      conn.send('api status');
      expect(written).toEqual(['api status']);
      expect(socket.uncork).toHaveBeenCalledTimes(1);
    }
  });

  it("leaves the execute events out of a channel's subscription and keeps the rest", () => {
    const server = new EventEmitter();
    tuneMediaSockets({ conn: fakeConnection().conn, _server: server } as unknown as MediaServer);
    const channel = fakeConnection();
    server.emit('connection::open', channel.conn);

    channel.conn.subscribe('CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_CALLSTATE CUSTOM conference::maintenance');
    channel.conn.subscribe(['CHANNEL_ANSWER', 'CHANNEL_EXECUTE']);
    expect(channel.subscribed).toEqual(['CHANNEL_CALLSTATE CUSTOM conference::maintenance', 'CHANNEL_ANSWER']);
  });
});
