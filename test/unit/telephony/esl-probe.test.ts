import { EslFrameReader, profileIsRunning } from '../../../src/telephony/esl-probe';

describe('EslFrameReader', () => {
  it('splits header-only frames and frames with a body, across chunk boundaries', () => {
    const reader = new EslFrameReader();
    const wire =
      'Content-Type: auth/request\n\n' +
      'Content-Type: command/reply\nReply-Text: +OK accepted\n\n' +
      'Content-Type: api/response\nContent-Length: 12\n\nhello\n\nworld';
    const frames = [];
    for (let i = 0; i < wire.length; i += 7) frames.push(...reader.push(Buffer.from(wire.slice(i, i + 7))));
    expect(frames.map((frame) => frame.headers['Content-Type'])).toEqual(['auth/request', 'command/reply', 'api/response']);
    expect(frames[1]?.headers['Reply-Text']).toBe('+OK accepted');
    expect(frames[2]?.body).toBe('hello\n\nworld');
  });
});

describe('profileIsRunning', () => {
  const status = [
    '                     Name\t   Type\t                                      Data\tState',
    '=================================================================================================',
    '             drachtio_mrf\tprofile\t              sip:mod_sofia@127.0.0.1:5082\tRUNNING (0)',
    '=================================================================================================',
    '1 profile 0 aliases',
  ].join('\n');

  it('finds a running profile with an IPv4 SIP address, as fsmrf parses it', () => {
    expect(profileIsRunning(status, 'drachtio_mrf')).toBe(true);
  });

  it('does not take another profile, a prefix, or an empty list for it', () => {
    expect(profileIsRunning(status, 'drachtio')).toBe(false);
    expect(profileIsRunning(status, 'internal')).toBe(false);
    expect(profileIsRunning('0 profiles 0 aliases', 'drachtio_mrf')).toBe(false);
    expect(profileIsRunning(status.replace('drachtio_mrf', 'drachtio.mrf'), 'drachtio_mrf')).toBe(false);
  });
});
