// A worker's exit clock (runtime/threads/shared.ts), raised in place at every receipt: after any
// sequence of receipts it reads as the componentwise maximum of everything received, the worker's own
// chains left out, sorted as a clock must be; chains first heard of beyond the cap are dropped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

const dist = join(__dirname, '..', '..', 'dist', 'runtime', 'threads', 'shared.js');
type Clock = { readonly chains: readonly number[]; readonly epochs: readonly number[] };
type SharedModule = {
  EXIT_CAP: number;
  newLink(): SharedArrayBuffer;
  ExitRecord: new (sab: SharedArrayBuffer) => {
    raise(chains: number[], epochs: number[], n: number, skipLo: number, skipHi: number): void;
    read(): Clock;
  };
};
let m: SharedModule;
beforeAll(() => {
  if (!existsSync(dist)) throw new Error('run `npm run build` first');
  m = require(dist) as SharedModule;
});

// Chains of three threads (ids reach threadId * 2^24, beyond Int32); thread 1 is the worker itself.
const OWN_LO = 2 ** 24;
const OWN_HI = 2 * 2 ** 24;
const chain = fc.oneof(fc.nat(20), fc.nat(20).map((c) => OWN_LO + c), fc.nat(20).map((c) => OWN_HI + c));
const receipt = fc.uniqueArray(fc.tuple(chain, fc.integer({ min: 1, max: 2 ** 40 })), { selector: ([c]) => c, maxLength: 8 }).map((pairs) => pairs.sort((a, b) => a[0] - b[0]));

function raiseAll(record: InstanceType<SharedModule['ExitRecord']>, receipts: [number, number][][]): Map<number, number> {
  const max = new Map<number, number>();
  for (const r of receipts) {
    // The receipt's components arrive in reused buffers longer than the clock.
    const chains = [...r.map(([c]) => c), 7, 7];
    const epochs = [...r.map(([, e]) => e), 9, 9];
    record.raise(chains, epochs, r.length, OWN_LO, OWN_HI);
    for (const [c, e] of r) if ((c < OWN_LO || c >= OWN_HI) && (max.get(c) ?? 0) < e) max.set(c, e);
  }
  return max;
}

describe('a worker exit clock', () => {
  it('reads as the maximum of what the worker received from other threads, sorted', () => {
    fc.assert(
      fc.property(fc.array(receipt, { maxLength: 30 }), (receipts) => {
        const record = new m.ExitRecord(m.newLink());
        const max = raiseAll(record, receipts);
        const clock = record.read();
        const want = [...max.keys()].sort((a, b) => a - b);
        expect(clock.chains).toEqual(want);
        expect(clock.epochs).toEqual(want.map((c) => max.get(c)));
      }),
    );
  });

  it('keeps the chains it heard of first once full, and still raises their epochs', () => {
    const record = new m.ExitRecord(m.newLink());
    const all = Array.from({ length: m.EXIT_CAP + 5 }, (_, i) => m.EXIT_CAP + 5 - i);
    record.raise(all, all.map(() => 1), all.length, OWN_LO, OWN_HI);
    record.raise([all[0]], [42], 1, OWN_LO, OWN_HI);
    const clock = record.read();
    expect(clock.chains.length).toBe(m.EXIT_CAP);
    expect(clock.chains[0]).toBe(6);
    expect(clock.epochs[clock.chains.length - 1]).toBe(42);
  });
});
