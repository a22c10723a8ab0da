import { isWithheldCaller } from '../../src/domain/contact';

describe('isWithheldCaller', () => {
  it.each(['anonymous', 'Anonymous', 'unknown', 'restricted', 'private', 'withheld', 'unavailable', '', ' '])('%p is withheld', (caller) => {
    expect(isWithheldCaller(caller)).toBe(true);
  });

  it.each(['+43111', '5551234', 'anonymous1', 'privately'])('%p is a caller', (caller) => {
    expect(isWithheldCaller(caller)).toBe(false);
  });
});
