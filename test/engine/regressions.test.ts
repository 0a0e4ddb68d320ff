// Fixed programs: the oracle must name exactly the listed races, and so must the engine.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { check, explain } from './check.js';
import { cleanup, RUNTIME } from './codegen.js';
import { programText } from './model.js';
import { expectedRaces, findingKey, Observed } from './oracle.js';

beforeAll(() => {
  if (!existsSync(RUNTIME)) throw new Error('run `npm run build` first: these tests run the built dist/');
});
afterAll(cleanup);

describe('oracle on the fixed cases', () => {
  // What the runs will observe, written down per case (the engine tests below use the real runs'):
  // a has sees a key the case starts with, every set/delete changes membership.
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, { program, expect: listed, entries }) => {
    const observed: Observed = {
      has: () => program.initial.includes(0),
      membership: () => true,
      entries: (ref) => entries?.[`${ref.body}[${ref.index}]`] ?? 0,
    };
    const found = expectedRaces(program, observed).map(findingKey).sort();
    expect(found, programText(program)).toEqual(listed);
  });
});

describe('engine on the fixed cases', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const [v] = await check([c.program], undefined, c.historySize);
      expect(v.expected, `oracle, with the run's has results:\n${explain(v)}`).toEqual(c.expect);
      expect(v.reported, `engine:\n${explain(v)}`).toEqual(c.expect);
      expect(v.unexplained).toEqual([]);
    });
  }
});
