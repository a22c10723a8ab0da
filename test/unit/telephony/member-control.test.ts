import { InvalidInputError } from '../../../src/domain/errors';
import { MediaOperationError, MemberNotFoundError } from '../../../src/telephony/errors';
import { controlMember, interpretReply, memberCommands, playCommand, playToMember } from '../../../src/telephony/member-control';
import { FakeMedia } from './fakes';

describe('memberCommands', () => {
  it('builds the conference API commands', () => {
    expect(memberCommands('room-2', '4', 'mute')).toEqual(['conference room-2 mute 4']);
    expect(memberCommands('call-8f2e.a@x', '12', 'kick')).toEqual(['conference call-8f2e.a@x kick 12']);
  });

  it('holds with music and deaf, so a held member does not overhear the room; unhold undoes both', () => {
    expect(memberCommands('room-2', '4', 'hold')).toEqual(['conference room-2 deaf 4', 'conference room-2 hold 4 local_stream://default']);
    expect(memberCommands('room-2', '4', 'hold', '/music/wait.wav')).toEqual(['conference room-2 deaf 4', 'conference room-2 hold 4 /music/wait.wav']);
    expect(memberCommands('room-2', '4', 'unhold')).toEqual(['conference room-2 unhold 4', 'conference room-2 undeaf 4']);
  });

  it('refuses anything that could smuggle another command into the line', () => {
    expect(() => memberCommands('room 2', '4', 'mute')).toThrow(InvalidInputError);
    expect(() => memberCommands('room-2', '4; hupall', 'mute')).toThrow(InvalidInputError);
    expect(() => memberCommands('', '4', 'mute')).toThrow(InvalidInputError);
    expect(() => memberCommands('room-2', '4', 'hold', 'x\nhupall')).toThrow(InvalidInputError);
  });
});

describe('interpretReply (replies seen from FreeSWITCH 1.10.12)', () => {
  it.each([
    ['+OK mute 4\n', 'ok'],
    ['+OK hold 4', 'ok'],
    ['+OK kicked 4', 'ok'],
    ['-ERR Non-Existant ID 99\n', 'not_found'],
    ['-ERR Conference nosuch not found\n', 'not_found'],
    ['-ERR Command not found!', 'error'],
    ['', 'error'],
  ] as const)('%j → %s', (reply, meaning) => {
    expect(interpretReply(reply)).toBe(meaning);
  });
});

describe('controlMember', () => {
  it('throws MemberNotFoundError when the room or member is gone', async () => {
    const media = new FakeMedia();
    media.api.mockResolvedValueOnce('-ERR Conference room-9 not found\n');
    await expect(controlMember(media, 'room-9', '1', 'mute')).rejects.toBeInstanceOf(MemberNotFoundError);
    media.api.mockResolvedValueOnce('-ERR Non-Existant ID 3\n');
    await expect(controlMember(media, 'room-9', '3', 'unhold')).rejects.toBeInstanceOf(MemberNotFoundError);
  });

  it('does not leave a member deaf when the hold itself fails', async () => {
    const media = new FakeMedia();
    media.api.mockResolvedValueOnce('+OK deaf 3\n').mockResolvedValueOnce('-ERR something broke\n');
    await expect(controlMember(media, 'room-1', '3', 'hold')).rejects.toBeInstanceOf(MediaOperationError);
    expect(media.api).toHaveBeenLastCalledWith('conference room-1 undeaf 3');
  });

  it('throws MediaOperationError on any other -ERR, and resolves on +OK', async () => {
    const media = new FakeMedia();
    media.api.mockResolvedValueOnce('-ERR Command not found!\n');
    await expect(controlMember(media, 'room-1', '1', 'hold')).rejects.toBeInstanceOf(MediaOperationError);
    media.api.mockResolvedValueOnce('+OK mute 1\n');
    await expect(controlMember(media, 'room-1', '1', 'mute')).resolves.toBeUndefined();
    expect(media.api).toHaveBeenLastCalledWith('conference room-1 mute 1');
  });
});

describe('playToMember', () => {
  it('plays to one member; a FreeSWITCH variable is expanded there', async () => {
    expect(playCommand('room-1', '3', 'tone_stream://%(500,500,480,620)')).toBe('conference room-1 play tone_stream://%(500,500,480,620) 3');
    expect(playCommand('room-1', '3', '${queue_timeout_message}')).toBe('expand conference room-1 play ${queue_timeout_message} 3');
    expect(() => playCommand('room-1', '3', 'a.wav 4\nhupall')).toThrow(InvalidInputError);
    const media = new FakeMedia();
    media.api.mockResolvedValueOnce('+OK Playing file a.wav to member 3\n');
    await expect(playToMember(media, 'room-1', '3', 'a.wav')).resolves.toBeUndefined();
    media.api.mockResolvedValueOnce('-ERR Non-Existant ID 3\n');
    await expect(playToMember(media, 'room-1', '3', 'a.wav')).rejects.toBeInstanceOf(MemberNotFoundError);
  });
});
