import { COMMON_PASSWORDS_TEXT } from './common-passwords';
import { LOCAL_COMMON_PASSWORDS_TEXT } from './common-passwords-local';
import { predictableCoverage, withoutContext, type ContextWord, type PatternKind } from './password-patterns';

/**
 * The password policy, in one place: users created or changed through the API, tenants' first
 * admins and the bootstrap admin's ADMIN_PASSWORD all pass through `passwordProblem`. In the spirit
 * of NIST SP 800-63B: length rather than composition rules, and a refusal of what guessing tries
 * first and what can be derived from the account:
 * - a common password (breach lists, the same words in the product's other languages, famous
 *   examples) however it is dressed up: case, leetspeak (`P@ssw0rd`), digits, symbols or a year
 *   around it (`Passwort2026!`, `trustno12345`), spaces or symbols inside (`i love you`);
 * - runs, keyboard walks, repetitions, years and the account's own words (email name and domain,
 *   tenant name) covering nearly all of it (`abcdefghijk1`, `zaq12wsxcde3`, `tenantc12345`);
 * - the email itself, its name part, or the product's name anywhere in it.
 * Each refusal says which rule and never repeats the password. Passwords set before the policy
 * keep working until they are changed.
 */

/** Fewest characters (code points) a password may have: long enough to resist online and offline guessing. */
export const PASSWORD_MIN_LENGTH = 12;
/** Most characters accepted (the hash input stays bounded). */
export const PASSWORD_MAX_LENGTH = 512;
/** The policy in a sentence (OpenAPI descriptions). */
export const PASSWORD_RULES =
  'At least 12 characters; not a common password (however spelt, with digits, symbols or a year around it), ' +
  'not mostly a keyboard or alphabet run, a repetition or a year, nor built on the email address or the ' +
  'tenant name (stored as an argon2id hash)';
/** Fewest distinct characters: `aaaaaaaaaaaa`, twelve spaces and `121212121212` are not passwords. */
const MIN_DISTINCT = 5;
/** Characters that no pattern explains a password must keep (`abcdefghijk1` keeps one). */
const MIN_UNPREDICTABLE = 5;

/** What the account is: the words a guesser who knows it tries. */
export interface PasswordContext {
  email?: string;
  /** The name of the tenant the user belongs to. */
  tenantName?: string;
}

let common: ReadonlySet<string> | undefined;
/** The bundled lists, parsed on first use (~3,700 entries). */
function commonPasswords(): ReadonlySet<string> {
  const words = `${COMMON_PASSWORDS_TEXT} ${LOCAL_COMMON_PASSWORDS_TEXT}`.split(/\s+/).filter(Boolean);
  return (common ??= new Set(words));
}

/** Common substitutions undone before the list is consulted (`p@ssw0rd` reads `password`); `1` reads `i`… */
const LEET_I: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '€': 'e',
  '6': 'g',
  '9': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};
/** … or `l` (`1ove`). */
const LEET_L: Record<string, string> = { ...LEET_I, '1': 'l' };
const PRODUCT_WORDS = ['callflow'];

const isLetter = (c: string) => /\p{L}/u.test(c);
/** Only letters and digits, lower-case: how a password and an email are compared. */
const alnum = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
const letters = (s: string) => s.replace(/\P{L}/gu, '');
const unleet = (s: string, map: Record<string, string>) => [...s].map((c) => map[c] ?? c).join('');
/** Accents dropped (`contraseña`, `fußball`, `ёлка` read as their plain spelling). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');

/** True when `s` is one shorter string repeated (`abcabcabc`, `passwordpassword`). */
const repeats = (s: string) => s.length > 1 && (s + s).indexOf(s, 1) < s.length;
const unit = (s: string) => (repeats(s) ? s.slice(0, (s + s).indexOf(s, 1)) : s);

/** How many of `n` decoration characters next to the word are tried as part of it (`trustno1` + `2345`). */
const kept = (n: number) => [...new Set([0, 1, 2, 3, n])].filter((k) => k <= n);

/**
 * The spellings of the word `s` is built on, for the common lists: the letters between the first
 * and the last letter, with 0–3 of the digits and symbols around them (leetspeak at the ends:
 * `1l0v3y0u`), each as written, with leetspeak undone, accents dropped, a repeated unit once;
 * and all its letters together (`i love you 2026`, `pass-2026-word`).
 */
function baseForms(s: string): string[] {
  const chars = [...s];
  let a = 0;
  while (a < chars.length && !isLetter(chars[a]!)) a++;
  let b = chars.length;
  while (b > a && !isLetter(chars[b - 1]!)) b--;
  if (a >= b) return [];
  const out: string[] = [];
  const add = (c: string) => {
    for (const v of [c, unleet(c, LEET_I), unleet(c, LEET_L)]) {
      out.push(v, fold(v), unit(v), letters(v), fold(letters(v)));
    }
  };
  for (const i of kept(a)) for (const j of kept(chars.length - b)) add(chars.slice(a - i, b + j).join(''));
  return out;
}

/** The context words a guesser who knows the account tries (at least 3 letters or digits each). */
function contextWords(ctx: PasswordContext): ContextWord[] {
  const out: ContextWord[] = [];
  const add = (raw: string, kind: ContextWord['kind']) => {
    const word = alnum(raw);
    if (word.length >= 3 && !out.some((w) => w.word === word)) out.push({ word, kind });
  };
  const address = ctx.email?.trim().toLowerCase() ?? '';
  const at = address.lastIndexOf('@');
  if (at > 0) {
    const local = address.slice(0, at);
    add(local, 'email-name');
    for (const part of local.split(/[^\p{L}\p{N}]+/u)) add(part, 'email-name');
    // Every label but the last (`tenantc` of tenantc.test, `acme` of mail.acme.co.uk).
    for (const label of address
      .slice(at + 1)
      .split('.')
      .slice(0, -1))
      add(label, 'email-domain');
  }
  if (ctx.tenantName) {
    add(ctx.tenantName, 'tenant');
    for (const part of ctx.tenantName.split(/[^\p{L}\p{N}]+/u)) add(part, 'tenant');
  }
  return out;
}

const KIND_TEXT: Record<PatternKind, string> = {
  sequence: 'a run of the alphabet or digits',
  keyboard: 'a keyboard run (qwerty, 1qaz2wsx…)',
  repeat: 'repeated characters',
  year: 'a year',
  'email-name': "the email's name part",
  'email-domain': "the email's domain",
  tenant: "the tenant's name",
};

/**
 * Why `password` may not be used by the account `context` describes (an email, or the email and
 * the tenant's name): a sentence that completes "the password …", or undefined when it is
 * acceptable.
 */
export function passwordProblem(password: string, context?: string | PasswordContext): string | undefined {
  const ctx: PasswordContext = typeof context === 'string' ? { email: context } : (context ?? {});
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return `needs at least ${PASSWORD_MIN_LENGTH} characters (a few unrelated words make a good one)`;
  }
  if (chars.length > PASSWORD_MAX_LENGTH) return `may have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(chars).size < MIN_DISTINCT) return `repeats too few characters (at least ${MIN_DISTINCT} different ones)`;
  const lower = password.normalize('NFKC').toLowerCase();
  if (repeats(lower)) return 'is one short sequence repeated';

  const flat = alnum(password);
  if (PRODUCT_WORDS.some((w) => flat.includes(w))) return "contains the product's name";
  if (ctx.email) {
    const address = ctx.email.trim().toLowerCase();
    const local = alnum(address.split('@')[0] ?? '');
    const named = lower.includes(address) || (local.length >= 3 && flat.includes(local));
    if (named) return 'contains the email address or its name part';
    if (flat.length > 0 && alnum(address).includes(flat)) return 'is part of the email address';
  }

  const words = contextWords(ctx);
  const lowerChars = [...lower];
  const list = commonPasswords();
  const stripped = withoutContext(lowerChars, words, LEET_I);
  const forms = stripped === lower ? baseForms(lower) : [...baseForms(lower), ...baseForms(stripped)];
  if (forms.some((f) => f.length >= 4 && list.has(f))) {
    return (
      'is too common: it is a password guessed first (on a breach list, or a common word), ' +
      'even spelt with capitals, @ for a or 0 for o, or with digits, symbols or a year around it'
    );
  }

  const coverage = predictableCoverage(lowerChars, words, LEET_I);
  if (coverage.remaining < MIN_UNPREDICTABLE) {
    const kinds = [...coverage.byKind.entries()].sort((x, y) => y[1] - x[1]).map(([k]) => KIND_TEXT[k]);
    return `is mostly predictable: ${kinds.join(', ')}, and fewer than ${MIN_UNPREDICTABLE} other characters`;
  }
  return undefined;
}
