// A Map iterator the program steps itself (`it.next()`), through the real plugin and CLI: one
// iteration from its first step to the result that is done (race-model.md, iteration-during-mutation).
import { describe, expect, it } from 'vitest';
import { runFixture, shapes } from './run-fixture.js';

describe('iterators stepped by hand', () => {
  for (const args of [[], ['late']]) {
    it(`${['race-iterator-stepped-by-hand', ...args].join(' ')}: a set concurrent with the steps is reported at both lines`, () => {
      const { plain, r, races, marker } = runFixture('race-iterator-stepped-by-hand.js', args);
      expect(r.stdout).toBe(plain.stdout);
      expect(r.status).toBe(66);
      expect(shapes(races)).toEqual([['iteration-during-mutation', [`iteration@${marker('@step')}`, `mutation@${marker('@mutation')}`]]]);
    });
  }

  it('norace-iterator-stepped-by-hand: own mutations, atomic loops, exhausted iterators, other next()s', () => {
    const { plain, r, races } = runFixture('norace-iterator-stepped-by-hand.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(0);
    expect(races).toEqual([]);
  });
});
