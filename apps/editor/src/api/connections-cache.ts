/** The connection list the node panels pick from, loaded once and forgotten when the Connections page changes it. */
import { api, itemsOf } from './client';
import type { Connection } from './types';

let cache: Promise<Connection[] | null> | null = null;

export function loadConnections(): Promise<Connection[] | null> {
  cache ??= api.connections
    .list()
    .then(itemsOf)
    .catch(() => {
      cache = null;
      return null;
    });
  return cache;
}

export function forgetConnections(): void {
  cache = null;
}
