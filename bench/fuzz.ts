/**
 * The ingest fuzzer at length: the same properties as test/server/routes/ingest.fuzz.test.ts
 * (one module holds both), with as many cases as asked. Failures are counted, not thrown,
 * and each one is printed with fast-check's seed and path so it can be replayed.
 */
import fc from 'fast-check';
import { PROPERTY_NAMES, fuzzCases, fuzzTarget, ingestProperty } from '../test/server/routes/ingest-fuzz.ts';

export interface FuzzResult {
  cases: number;
  failures: number;
  seconds: number;
}

export async function fuzz(cases = fuzzCases(100_000), log: (line: string) => void = console.error): Promise<FuzzResult> {
  const started = performance.now();
  const target = await fuzzTarget();
  let ran = 0;
  let failures = 0;
  try {
    for (const name of PROPERTY_NAMES) {
      const { property, numRuns } = ingestProperty(target, name, cases);
      const details = await fc.check(property, { numRuns });
      ran += details.numRuns;
      if (details.failed) {
        failures++;
        log(`fuzz: "${name}" failed: ${fc.defaultReportMessage(details) ?? ''}`.slice(0, 4000));
      }
    }
  } finally {
    await target.close();
  }
  return { cases: ran, failures, seconds: Math.round((performance.now() - started) / 10) / 100 };
}
