import { checkTransition, isClaimable, PRESENCE_STATES } from '../../src/domain/presence';

describe('presence rules', () => {
  it.each([
    ['offline', 'available', 'self'],
    ['available', 'away', 'self'],
    ['away', 'available', 'self'],
    ['available', 'busy', 'system'],
    ['busy', 'wrap-up', 'system'],
    ['wrap-up', 'available', 'system'],
    ['wrap-up', 'available', 'self'],
    ['busy', 'offline', 'system'],
  ] as const)('allows %s → %s by %s', (from, to, actor) => {
    expect(checkTransition(from, to, actor)).toEqual({ ok: true });
  });

  it.each([
    ['available', 'busy', 'self', 'busy is set by calls, not by hand'],
    ['available', 'wrap-up', 'self', 'wrap-up is set by calls, not by hand'],
    ['busy', 'away', 'self', 'cannot go from busy to away'],
    ['busy', 'available', 'self', 'only system may change busy to available'],
    ['available', 'available', 'self', 'already available'],
    ['offline', 'busy', 'system', 'busy is set by calls, not by hand'],
  ] as const)('refuses %s → %s by %s: %s', (from, to, actor, reason) => {
    expect(checkTransition(from, to, actor)).toEqual({ ok: false, reason });
  });

  it('lets a supervisor override any state', () => {
    for (const from of PRESENCE_STATES) for (const to of PRESENCE_STATES) expect(checkTransition(from, to, 'supervisor').ok).toBe(true);
  });

  it('claims only the free, or the busy with room for another call', () => {
    expect(isClaimable('available', 0, 1)).toBe(true);
    expect(isClaimable('available', 1, 1)).toBe(false);
    expect(isClaimable('busy', 0, 1)).toBe(false);
    expect(isClaimable('busy', 1, 2)).toBe(true);
    expect(isClaimable('busy', 2, 2)).toBe(false);
    expect(isClaimable('wrap-up', 0, 3)).toBe(false);
    expect(isClaimable('away', 0, 1)).toBe(false);
  });
});
