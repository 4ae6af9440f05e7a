/**
 * Flow keys: the URL slug of a flow (/ivr/:flowKey, /hooks/:flowKey), unique per tenant. The API
 * derives one from the name and checks a given one; the editor suggests and checks the same way.
 */

/** A lower-case slug: a-z, 0-9 and "-", at most 64 characters, not starting with "-". */
export const FLOW_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const FLOW_KEY_RULE = 'a lower-case slug: a-z, 0-9 and "-", at most 64 characters, not starting with "-"';

/**
 * Letters NFKD does not take apart, as Latin (Russian, Ukrainian, Belarusian Cyrillic after the
 * common romanisation of signs and passports; a few Latin letters of their own). Accented Latin
 * letters ("è", "ç") lose their accent through NFKD.
 */
// prettier-ignore
const LETTERS: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  є: 'ye', і: 'i', ї: 'yi', ґ: 'g', ў: 'u',
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', þ: 'th', ð: 'd', ı: 'i',
};

/** A readable key from a name: transliterated, lower-case, dashes between words ("Звонки" → "zvonki"). */
export function flowKeyFromName(name: string): string {
  const latin = Array.from(name.normalize('NFC').toLowerCase(), (c) => LETTERS[c] ?? c).join('');
  const slug = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'flow';
}
