import { COMMON_PASSWORDS_TEXT } from './common-passwords';

/**
 * The password policy, in one place: users created or changed through the API, tenants' first
 * admins and the bootstrap admin's ADMIN_PASSWORD all pass through `passwordProblem`. In the spirit
 * of NIST SP 800-63B: length rather than composition rules, and a refusal of what guessing tries
 * first (common passwords, keyboard and alphabet runs, repetitions, the user's own email, the
 * product's name). Passwords set before the policy keep working until they are changed.
 */

/** Fewest characters (code points) a password may have: long enough to resist online and offline guessing. */
export const PASSWORD_MIN_LENGTH = 12;
/** Most characters accepted (the hash input stays bounded). */
export const PASSWORD_MAX_LENGTH = 512;
/** The policy in a sentence (OpenAPI descriptions). */
export const PASSWORD_RULES =
  'At least 12 characters; not a common password, a keyboard or alphabet run, a repetition, ' +
  'nor built on the email address (stored as an argon2id hash)';
/** Fewest distinct characters: `aaaaaaaaaaaa`, twelve spaces and `121212121212` are not passwords. */
const MIN_DISTINCT = 5;

let common: ReadonlySet<string> | undefined;
/** The bundled list, parsed on first use (~3,400 entries). */
function commonPasswords(): ReadonlySet<string> {
  return (common ??= new Set(COMMON_PASSWORDS_TEXT.split(/\s+/).filter(Boolean)));
}

/** Runs a guesser tries as they are: the alphabet, digits and keyboard rows, both ways. */
const RUNS = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn',
]
  .flatMap((r) => [r, [...r].reverse().join('')])
  .map((r) => r.repeat(4));

/** Common substitutions undone before the list is consulted (`p@ssw0rd` reads `password`). */
const LEET: Record<string, string> = {
  '@': 'a', '4': 'a', '8': 'b', '(': 'c', '3': 'e', '6': 'g', '1': 'i', '!': 'i', '0': 'o', '5': 's', $: 's', '7': 't', '+': 't', '2': 'z',
};
const PRODUCT_WORDS = ['callflow'];

/** Only letters and digits, lower-case: how a password and an email are compared. */
const alnum = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** True when `s` is one shorter string repeated (`abcabcabc`, `passwordpassword`). */
const repeats = (s: string) => s.length > 1 && (s + s).indexOf(s, 1) < s.length;

/** The variants of a password checked against the common list. */
function listForms(password: string): string[] {
  const lower = password.toLowerCase();
  // The core: digits, spaces and symbols around the word removed (`Password2024!` → `password`).
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const unleet = [...lower].map((c) => LEET[c] ?? c).join('');
  const trimmed = lower.replace(/[^\p{L}@$0-9!(+]+$/u, '').replace(/\d+$/, '');
  const unleetCore = [...trimmed].map((c) => LEET[c] ?? c).join('');
  const letters = lower.replace(/[^\p{L}]/gu, '');
  const unit = (s: string) => (repeats(s) ? s.slice(0, (s + s).indexOf(s, 1)) : s);
  return [lower, core, unleet, unleetCore, letters, unit(core), unit(letters)].filter((f) => f.length >= 4);
}

/**
 * Why `password` may not be used by the owner of `email` (a sentence that completes "the password
 * …"), or undefined when it is acceptable.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return `needs at least ${PASSWORD_MIN_LENGTH} characters (a few unrelated words make a good one)`;
  }
  if (chars.length > PASSWORD_MAX_LENGTH) return `may have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(chars).size < MIN_DISTINCT) return `repeats too few characters (at least ${MIN_DISTINCT} different ones)`;
  const lower = password.toLowerCase();
  if (repeats(lower)) return 'is one short sequence repeated';
  if (RUNS.some((r) => r.includes(lower))) return 'is a run of the alphabet, digits or a keyboard row';
  const list = commonPasswords();
  if (listForms(password).some((f) => list.has(f))) return 'is too common (it is on a list of passwords guessed first)';
  const flat = alnum(password);
  if (PRODUCT_WORDS.some((w) => flat.includes(w))) return "contains the product's name";
  if (email) {
    const address = email.trim().toLowerCase();
    const local = alnum(address.split('@')[0] ?? '');
    const named = lower.includes(address) || (local.length >= 3 && flat.includes(local));
    if (named) return 'contains the email address or its name part';
    if (flat.length > 0 && alnum(address).includes(flat)) return 'is part of the email address';
  }
  return undefined;
}
