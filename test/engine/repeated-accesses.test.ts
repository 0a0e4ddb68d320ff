// Accesses an activation repeats in one segment take a short path in the runtime (rules.ts,
// recordRead/recordWrite): they only note which access came last. What a report names must not
// change with it: the last read of the segment is the stale read, an access by another activation
// in between is that activation's own, and stacks=full, which takes the long path, gives the stack
// of that same read.
import { describe, expect, it } from 'vitest';
import { runFixture, shapes } from './run-fixture.js';

describe('accesses repeated in one segment', () => {
  const name = 'race-reads-repeated-in-a-segment.js';

  it.each([[''], ['stacks=full']])('race-reads-repeated-in-a-segment (%s): each activation loses an update from its last read', (options) => {
    const { plain, r, races, marker } = runFixture(name, [], options);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(66);
    const lost = (read: string, other: string, write: string) => ['lost-update', [`read@${marker(read)}`, `other-write@${marker(other)}`, `write@${marker(write)}`]];
    const expected = [
      lost('@read', '@write', '@write'),
      lost('@read', '@peekWrite', '@write'),
      lost('@peek', '@peekWrite', '@peekWrite'),
      lost('@peek', '@write', '@peekWrite'),
    ];
    const order = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(order(shapes(races))).toEqual(order(expected));
    // The get of `has('a') && get('a')`, not the has before it on the same line.
    for (const race of races) if (race.accesses[0].line === marker('@read')) expect(race.accesses[0].column).toBe(40);
  });

  it('stacks=full: the stale read carries the stack of that read', () => {
    const { races, marker } = runFixture(name, [], 'stacks=full');
    const read = races.map((x) => x.accesses[0]).find((a) => a.line === marker('@read'));
    expect(read?.stack?.[0]).toMatch(new RegExp(`^look3 \\(.*${name}:${marker('@read')}:40\\)$`));
  });
});
