import { definitionFuzz, fuzzOptions } from './fuzz-suite';

/** `npm run test:fuzz`: FUZZ_RUNS (default 10,000) definitions through validate, create and publish. */
jest.setTimeout(15 * 60_000);
definitionFuzz(fuzzOptions(10_000, 600));
