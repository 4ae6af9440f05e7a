import { fuzzOptions, payloadFuzz } from './fuzz-suite';

/** `npm run test:fuzz`: FUZZ_RUNS (default 10,000) payloads and header values through published IVR flows. */
jest.setTimeout(15 * 60_000);
payloadFuzz(fuzzOptions(10_000, 600));
