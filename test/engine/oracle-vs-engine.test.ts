// Property: for small generated programs (a main activation and 2-3 async functions over 1-2 keys of
// one Map, with awaits, forks, joins, Promise.all joins and direct awaits), the races the engine
// reports are exactly the ones the brute-force oracle finds by enumerating every interleaving that
// happens-before allows (race-model.md: lost-update, and the default stale-read check-then-use shape).
//
// Replay a failure with MAPSAN_FC_SEED=<seed> (and MAPSAN_FC_PATH=<path>) printed by fast-check.
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, RUNTIME } from './codegen.js';
import { check, explain } from './check.js';
import { Program, programArb } from './model.js';
import { buildSegments, countLinearizations } from './oracle.js';

beforeAll(() => {
  if (!existsSync(RUNTIME)) throw new Error('run `npm run build` first: these tests run the built dist/');
});
afterAll(cleanup);

/** Programs whose linearizations stay few enough to enumerate quickly (iterations estimated at two
 *  entries; the run decides, and check() skips the rare program that then has far more). */
const MAX_LINEARIZATIONS = 20_000;
const ESTIMATE = { entries: () => 2 };


const program = programArb().filter(
  (p) => countLinearizations(buildSegments(p, ESTIMATE)) <= MAX_LINEARIZATIONS,
);

const NUM_RUNS = Number(process.env.MAPSAN_FC_RUNS ?? 40);
const seed = process.env.MAPSAN_FC_SEED === undefined ? undefined : Number(process.env.MAPSAN_FC_SEED);
const path = process.env.MAPSAN_FC_PATH;

describe('engine vs brute-force oracle', () => {
  it('reports a race iff some interleaving allowed by happens-before produces it', { timeout: 120_000 }, async () => {
    let programs = 0;
    let racy = 0;
    let skipped = 0;
    const kinds = new Map<string, number>();
    await fc.assert(
      // Each run is one spawned process holding a batch of programs (spawn cost dominates); the
      // batch shrinks to the single disagreeing program, then the program itself shrinks.
      fc.asyncProperty(fc.array(program, { minLength: 1, maxLength: 12, size: 'max' }), async (batch) => {
        const verdicts = await check(batch);
        programs += verdicts.filter((v) => !v.skipped).length;
        skipped += verdicts.filter((v) => v.skipped).length;
        racy += verdicts.filter((v) => v.expected.length > 0).length;
        for (const v of verdicts) for (const k of new Set(v.expected.map((e) => e.split(' ')[0]))) kinds.set(k, (kinds.get(k) ?? 0) + 1);
        const bad = verdicts.filter((v) => !v.agree);
        if (bad.length > 0) throw new Error(`engine and oracle disagree:\n\n${bad.map(explain).join('\n\n')}`);
      }),
      { numRuns: NUM_RUNS, seed, path, interruptAfterTimeLimit: Number(process.env.MAPSAN_FC_TIME_MS ?? 50_000), markInterruptAsFailure: true },
    );
    console.log(`checked ${programs} programs (${skipped} skipped: too many linearizations), ${racy} with expected races (${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ')})`);
    // The generator must produce both racy and quiet programs, or the property proves little.
    expect(programs).toBeGreaterThanOrEqual(NUM_RUNS);
    expect(racy).toBeGreaterThan(0);
    expect(racy).toBeLessThan(programs);
  });
});
