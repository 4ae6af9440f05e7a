import { definitionFuzz, fuzzOptions, payloadFuzz } from './fuzz/fuzz-suite';

/**
 * The quick fuzz run of `npm test`: 200 generated definitions and 200 payloads (FUZZ_RUNS
 * overrides). The long run is `npm run test:fuzz` (apps/api/test/fuzz/*.fuzz-spec.ts, 10,000 each).
 */
const o = fuzzOptions(200, 25);
definitionFuzz(o);
payloadFuzz(o);
