// Vector clocks (runtime/clock.ts) against a plain map of chain → epoch: whatever shape a clock takes
// (flat, one component over a base, bases over bases), it answers as the map does, also when compared
// with a clock in wire buffers. And the shapes that keep big joins cheap: activations forked from one
// segment share it as their base, and their segments take over the chains the join left free.
import { existsSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

const dist = joinPath(__dirname, '..', '..', 'dist', 'runtime');
type Clock = { readonly base: Clock | null; readonly chain: number; readonly epoch: number; readonly chains: readonly number[]; readonly epochs: readonly number[] };
type ClockModule = {
  VectorClock: new (chains: number[], epochs: number[]) => Clock;
  EMPTY_CLOCK: Clock;
  epochOf(c: Clock, chain: number): number;
  covers(b: Clock, a: Clock): boolean;
  join(a: Clock, b: Clock): Clock;
  joinAll(clocks: Clock[]): Clock;
  knowsComponents(a: Clock, chains: readonly number[], epochs: readonly number[], n: number): boolean;
};
type SegmentModule = {
  Segment: new (clock: Clock, tok: object) => Clock & { clock: Clock; stampAs(chain: number, epoch: number): void };
  stamp(seg: Clock): void;
};
let C: ClockModule;
let S: SegmentModule;

beforeAll(() => {
  if (!existsSync(dist)) throw new Error('run `npm run build` first: these tests run the built dist/');
  C = require(joinPath(dist, 'clock.js'));
  S = require(joinPath(dist, 'segment.js'));
});

type Ref = Map<number, number>;
const TOKEN = {};
const CHAINS = [0, 1, 2, 3, 4, 5];

const depthOf = (c: Clock): number => (c.base === null ? 0 : 1 + depthOf(c.base));
const refJoin = (...refs: Ref[]): Ref => {
  const out = new Map<number, number>();
  for (const r of refs) for (const [c, e] of r) out.set(c, Math.max(out.get(c) ?? 0, e));
  return out;
};
const refCovers = (b: Ref, a: Ref): boolean => [...a].every(([c, e]) => (b.get(c) ?? 0) >= e);

type Op =
  | { t: 'flat'; comps: [number, number][] }
  | { t: 'stamp'; from: number; chain: number; by: number }
  | { t: 'join'; a: number; b: number }
  | { t: 'joinAll'; of: number[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('flat' as const), comps: fc.array(fc.tuple(fc.constantFrom(...CHAINS), fc.integer({ min: 1, max: 9 })), { maxLength: 4 }) }),
  fc.record({ t: fc.constant('stamp' as const), from: fc.nat(), chain: fc.constantFrom(...CHAINS), by: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ t: fc.constant('join' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ t: fc.constant('joinAll' as const), of: fc.array(fc.nat(), { minLength: 3, maxLength: 6 }) }),
);

describe('vector clocks', () => {
  it('answer epochOf, covers, join and joinAll as a map of chain → epoch does, in every shape', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const pool: [Clock, Ref][] = [[C.EMPTY_CLOCK, new Map()]];
        const at = (i: number) => pool[i % pool.length];
        for (const o of ops) {
          let made: [Clock, Ref];
          if (o.t === 'flat') {
            const ref = refJoin(new Map(o.comps));
            const chains = [...ref.keys()].sort((a, b) => a - b);
            made = [new C.VectorClock(chains, chains.map((c) => ref.get(c)!)), ref];
          } else if (o.t === 'stamp') {
            // A segment entered with a clock and stamped on a chain, above what that clock knows of it.
            const [clock, ref] = at(o.from);
            const seg = new S.Segment(clock, TOKEN);
            const epoch = (ref.get(o.chain) ?? 0) + o.by;
            seg.stampAs(o.chain, epoch);
            made = [seg, refJoin(ref, new Map([[o.chain, epoch]]))];
          } else if (o.t === 'join') {
            made = [C.join(at(o.a)[0], at(o.b)[0]), refJoin(at(o.a)[1], at(o.b)[1])];
          } else {
            const parts = o.of.map(at);
            made = [C.joinAll(parts.map(([c]) => c)), refJoin(...parts.map(([, r]) => r))];
          }
          pool.push(made);
        }
        // Newest first: flattening a clock over bases that are not flat yet merges every level at once.
        for (const [clock, ref] of [...pool].reverse()) {
          expect(depthOf(clock)).toBeLessThanOrEqual(4);
          for (const chain of [...CHAINS, 99]) expect(C.epochOf(clock, chain)).toBe(ref.get(chain) ?? 0);
          const chains = [...ref.keys()].filter((c) => ref.get(c)! > 0).sort((a, b) => a - b);
          expect([...clock.chains]).toEqual(chains);
          expect([...clock.epochs]).toEqual(chains.map((c) => ref.get(c)));
        }
        for (const [b, rb] of pool) for (const [a, ra] of pool) expect(C.covers(b, a)).toBe(refCovers(rb, ra));
        // A clock received in reused buffers: only the first n entries count.
        for (const [b, rb] of pool) {
          const chains = [...b.chains, ...CHAINS];
          const epochs = [...b.epochs, ...CHAINS.map(() => 50)];
          for (const [a, ra] of pool) expect(C.knowsComponents(a, chains, epochs, b.chains.length)).toBe(refCovers(ra, rb));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bases stay a few levels deep however long a line of forks from segment to segment', () => {
    let clock: Clock = C.EMPTY_CLOCK;
    for (let chain = 0; chain < 50; chain++) {
      const seg = new S.Segment(clock, TOKEN);
      seg.stampAs(chain, 1);
      clock = seg;
      expect(depthOf(clock)).toBeLessThanOrEqual(4);
    }
    expect(C.epochOf(clock, 0)).toBe(1);
    expect(C.epochOf(clock, 49)).toBe(1);
    expect(clock.chains.length).toBe(50);
  });
});

describe('a segment that forks thousands of activations after a wide join', () => {
  // Round after round of `await Promise.all(2000 async functions)`: the join is 2000 chains wide, and
  // every activation of the next round starts from the segment that awaited it. Flat copies of that
  // clock per activation made each round cost O(n²) (4 ms → 2.4 µs per await at 2000 functions).
  const N = 2000;
  let forks: ReturnType<typeof forkRound>;

  function forkRound() {
    // Round one: N activations, each on a chain of its own, joined.
    const root = new S.Segment(C.EMPTY_CLOCK, TOKEN);
    S.stamp(root);
    const first = Array.from({ length: N }, () => {
      const seg = new S.Segment(root, TOKEN);
      S.stamp(seg);
      return seg;
    });
    const joined = C.joinAll(first);
    // The awaiting segment, then round two forked from it.
    const parent = new S.Segment(joined, TOKEN);
    S.stamp(parent);
    const second = Array.from({ length: N }, () => {
      const seg = new S.Segment(parent, TOKEN);
      S.stamp(seg);
      return seg;
    });
    return { first, joined, parent, second };
  }

  beforeAll(() => {
    forks = forkRound();
  });

  it('stamps them onto the chains the join left free, each onto its own', () => {
    const { first, joined, parent, second } = forks;
    const firstChains = new Set(first.map((s) => s.chain));
    expect(joined.chains.length).toBe(N);
    // The parent continued one chain of round one; one activation continues the parent's, and every
    // other takes another chain of round one: no chain is opened.
    expect(firstChains.has(parent.chain)).toBe(true);
    const chains = new Set(second.map((s) => s.chain));
    expect(chains.size).toBe(N);
    expect([...chains].every((c) => firstChains.has(c))).toBe(true);
  });

  it('keeps the forking segment as their shared base, and joins them in one pass over it', () => {
    const { parent, second } = forks;
    const sharing = second.filter((s) => s.base === parent);
    expect(sharing.length).toBe(N - 1);
    const all = C.joinAll(second);
    expect(all.chains.length).toBe(N);
    for (const s of second) expect(C.epochOf(all, s.chain)).toBe(s.epoch);
    // Two activations of the round compare in one step: neither covers the other, both cover the parent.
    const [a, b] = sharing;
    expect(C.covers(a, b)).toBe(false);
    expect(C.covers(a, parent)).toBe(true);
  });
});
