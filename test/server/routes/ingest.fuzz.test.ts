import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type FuzzTarget, PROPERTY_NAMES, fuzzCases, fuzzTarget, ingestProperty } from './ingest-fuzz.ts';

/** Cases in all, shared between the properties; FUZZ_RUNS=100000 for a long run. */
const CASES = fuzzCases();

describe('fuzzing POST /api/v1/observations', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await fuzzTarget();
  });
  afterAll(() => target.close());

  for (const name of PROPERTY_NAMES) {
    it(name, async () => {
      const { property, numRuns } = ingestProperty(target, name, CASES);
      await fc.assert(property, { numRuns });
    }, 120_000);
  }
});
