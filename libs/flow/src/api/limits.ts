/** Limits of the HTTP API that its clients plan around (values, unlike the rest of api/). */

/** Most flows one GET /executions/latest-by-flow may ask about. */
export const MAX_LATEST_FLOWS = 200;
