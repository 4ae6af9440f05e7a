import { definitionFuzz, fuzzOptions, payloadFuzz } from './fuzz/fuzz-suite';

/**
 * The quick fuzz run of `npm test`: 200 generated definitions and 200 payloads (FUZZ_RUNS
 * and FUZZ_SEED override). The long run is `npm run test:fuzz` (apps/api/test/fuzz/*.fuzz-spec.ts, 10,000 each).
 */
// A fixed seed here (the same inputs every `npm test`); the long run draws a new seed each time.
const o = fuzzOptions(200, 25, 20261121);
definitionFuzz(o);
payloadFuzz(o);
