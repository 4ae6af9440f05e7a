import type { AppConfig } from '../platform/config/app-config';

/**
 * What the processes of one start share, kept apart from the app so the cluster primary (which
 * never builds the app) does not load it.
 */

/** Signals that stop a server process (a terminal's Ctrl-C, a supervisor's stop, a closed terminal). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long a graceful stop may take before the process exits anyway, ms. */
export const FORCE_EXIT_MS = 15_000;

/** What a cluster child tells the primary once it serves. */
export const READY_MESSAGE = 'callflow:ready';
/** The primary hands a child a connection (the socket goes with the message). */
export const CONNECTION_MESSAGE = 'callflow:connection';
/** A child tells the primary that a connection it was handed has closed. */
export const CLOSED_MESSAGE = 'callflow:closed';

/** The line `npm start` prints once the API answers (tests and scripts wait for it). */
export function listeningLine(config: AppConfig, processes: number): string {
  const many = processes > 1 ? `, ${processes} processes` : '';
  return `callflow listening on http://${config.HOST}:${config.PORT} (API /api/v1, docs /api/docs, ROLE=${config.ROLE}${many})\n`;
}
