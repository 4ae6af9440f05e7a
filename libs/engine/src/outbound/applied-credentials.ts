import type { AppliedCredentials } from '../types';

/** Several sources of credentials on one request as one (undefined when none). */
export function mergeCredentials(...parts: (AppliedCredentials | undefined)[]): AppliedCredentials | undefined {
  const present = parts.filter((p): p is AppliedCredentials => p !== undefined);
  if (present.length <= 1) return present[0];
  const values = present.flatMap((p) => p.values ?? []);
  return {
    headers: present.flatMap((p) => p.headers),
    query: present.flatMap((p) => p.query),
    ...(present.some((p) => p.body) ? { body: true } : {}),
    ...(values.length > 0 ? { values } : {}),
  };
}

/** Values a node's templates derived from the connection's secrets (hashes), as credentials of the request. */
export function derivedCredentials(values: readonly string[] | undefined): AppliedCredentials | undefined {
  return values && values.length > 0 ? { headers: [], query: [], values } : undefined;
}
