import { EventEmitter } from 'node:events';
import type { Srf } from '../../../src/telephony/drachtio-api';
import { Signalling } from '../../../src/telephony/signalling';
import { silentLog } from './fakes';

/** srf as Signalling sees it: the events of its connection to drachtio-server. */
class FakeSrf extends EventEmitter {
  connect = jest.fn();
  disconnect = jest.fn();
}

function setup() {
  const srf = new FakeSrf();
  const lost = jest.fn();
  const signalling = new Signalling(srf as unknown as Srf, { host: 'drachtio', port: 9022, secret: 's' }, silentLog, lost);
  signalling.start();
  return { srf, lost, signalling };
}

describe('Signalling', () => {
  it('tells once when a connection it had drops, and is connecting again', () => {
    const { srf, lost, signalling } = setup();
    srf.emit('connect', null, '127.0.0.1:5060');
    expect(signalling.state()).toBe('connected');
    srf.emit('close');
    srf.emit('close');
    expect(lost).toHaveBeenCalledTimes(1);
    expect(signalling.state()).toBe('connecting');
    srf.emit('connect', null, '127.0.0.1:5060');
    srf.emit('close');
    expect(lost).toHaveBeenCalledTimes(2);
  });

  it('a connection that never came up is not a loss', () => {
    const { srf, lost, signalling } = setup();
    srf.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:9022'));
    srf.emit('close');
    expect(lost).not.toHaveBeenCalled();
    expect(signalling.state()).toBe('disconnected');
  });
});
