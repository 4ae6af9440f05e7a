/** Every route but /metrics lives under this prefix (`/api/v1/flows`); the one place it is written. */
export const API_PREFIX = 'api/v1';

/** The prefix as a path: `/api/v1`. */
export const API_BASE_PATH = `/${API_PREFIX}`;
