/** De-duplicated flow keys (the key from a name: flowKeyFromName in libs/flow). */

/** Room left after a de-duplicated key's stem for "-<n>" (keys are at most 64 characters). */
const STEM_MAX = 56;

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
