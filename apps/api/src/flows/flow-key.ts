/** Room left after a de-duplicated key's stem for "-<n>" (keys are at most 64 characters). */
const STEM_MAX = 56;

/** A key from a name: ASCII-folded, lower-case, dashes between words ("Café VIP!" → "cafe-vip"). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'flow';
}

/** The stem of `key` that numbered variants share. */
export function keyStem(key: string): string {
  return key.slice(0, STEM_MAX).replace(/-+$/, '') || 'flow';
}

/** The first of key, stem-2, stem-3 … that is not in `taken`. */
export function firstFreeKey(key: string, taken: ReadonlySet<string>): string {
  if (!taken.has(key)) return key;
  const stem = keyStem(key);
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
