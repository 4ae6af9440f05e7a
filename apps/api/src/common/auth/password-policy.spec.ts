import { PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['aaaaaaaa', /at least 12/],
    ['12345678', /at least 12/],
    ['        ', /at least 12/],
    [' '.repeat(16), /too few characters/],
    ['aaaaaaaaaaaaaaaa', /too few characters/],
    ['121212121212', /too few characters/],
    ['abcdefabcdef', /repeated/],
    ['passwordpassword', /repeated/],
    ['abcdefghijklmn', /run/],
    ['123456789012345', /run/],
    ['qwertyuiopasdf', /too common|run/],
    ['Password2024!', /too common/],
    ['p@ssw0rd123456', /too common/],
    ['!!!sunshine!!!', /too common/],
    ['iloveyou123456', /too common/],
    ['Callflow-rocks-2025', /product/],
  ])('refuses %j', (password, reason) => {
    expect(passwordProblem(password)).toMatch(reason);
  });

  it("refuses the user's own email, its name part and passwords built on them", () => {
    const email = 'Jane.Doe@Example.com';
    expect(passwordProblem('jane.doe@example.com', email)).toMatch(/email/);
    expect(passwordProblem('JANE.DOE@EXAMPLE.COM!', email)).toMatch(/email/);
    expect(passwordProblem('janedoe-2025-x', email)).toMatch(/email/);
    expect(passwordProblem('JaneDoe#Secret99', email)).toMatch(/email/);
    expect(passwordProblem('doeexamplecom', email)).toMatch(/email/);
    // The same passwords are fine for someone else (when nothing else is wrong with them).
    expect(passwordProblem('janedoe-2025-x', 'other@example.com')).toBeUndefined();
  });

  it('accepts long, unguessable passwords, passphrases included, and counts code points', () => {
    const good = ['correct horse battery', 'tenant-b-Kk29-strong', 'Vq8#zL2m!pR4', 'vert plume orage 7', 'ünïcödé-wörds-9'];
    for (const ok of good) {
      expect([ok, passwordProblem(ok, 'admin@test.local')]).toEqual([ok, undefined]);
    }
    // 11 emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblem('😀😁😂🤣😃😄😅😆😉😊😋')).toMatch(/at least/);
    expect(PASSWORD_MIN_LENGTH).toBe(12);
  });
});
