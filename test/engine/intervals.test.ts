// setInterval through the real plugin and CLI: every tick is a root activation of its own, and the
// ticks of one interval are ordered (the timer is re-armed after the callback), those of two are not.
import { describe, expect, it } from 'vitest';
import { runFixture, shapes } from './run-fixture.js';

describe('interval ticks', () => {
  it('norace-interval-ticks-in-order: a write in one tick comes before the next tick of the same interval', () => {
    const { plain, r, races } = runFixture('norace-interval-ticks-in-order.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(0);
    expect(races).toEqual([]);
  });

  it('race-two-intervals: a tick of another interval can land between a read and its write back', () => {
    const { plain, r, races, marker } = runFixture('race-two-intervals.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(66);
    expect(shapes(races)).toEqual([['lost-update', [`read@${marker('@read')}`, `other-write@${marker('@other')}`, `write@${marker('@write')}`]]]);
  });
});
