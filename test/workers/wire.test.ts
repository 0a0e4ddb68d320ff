// A clock on the wire (runtime/threads/clocks.ts): what a thread sends after a receipt decodes to the
// sending segment's clock, both when the receipt's clock was taken whole from the message (a reply,
// which knew all the receiver did: the received wire goes out again with one component rewritten)
// and when it had to be joined with what the receiver knew (the wire is encoded anew).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dist = join(__dirname, '..', '..', 'dist', 'runtime');
type Clock = { readonly chain: number; readonly epoch: number; readonly chains: readonly number[]; readonly epochs: readonly number[] };
type Segment = Clock & { clock: Clock };
let EMPTY_CLOCK: Clock;
let Seg: new (clock: Clock, tok: object) => Segment;
let stamp: (seg: Segment) => void;
let context: { current: { ctx: unknown }; rootToken(kind: string): object };
let wire: { receiveWire(w: unknown): void; sendWire(): string };
let saved: unknown;

beforeAll(() => {
  if (!existsSync(dist)) throw new Error('run `npm run build` first');
  ({ EMPTY_CLOCK } = require(join(dist, 'clock.js')));
  ({ Segment: Seg, stamp } = require(join(dist, 'segment.js')));
  context = require(join(dist, 'context.js'));
  wire = require(join(dist, 'threads', 'clocks.js'));
  saved = context.current.ctx;
});
afterAll(() => {
  context.current.ctx = saved;
});

const unitsOf = (x: number): number[] => [x % 2 ** 16, Math.floor(x / 2 ** 16) % 2 ** 16, Math.floor(x / 2 ** 32)];
const encode = (pairs: [number, number][]): string => String.fromCharCode(...pairs.flatMap(([c, e]) => [...unitsOf(c), ...unitsOf(e)]));
function decode(w: string): [number, number][] {
  const at = (i: number) => w.charCodeAt(i) + w.charCodeAt(i + 1) * 2 ** 16 + w.charCodeAt(i + 2) * 2 ** 32;
  const out: [number, number][] = [];
  for (let i = 0; i < w.length; i += 6) out.push([at(i), at(i + 3)]);
  return out;
}
const componentsOf = (c: Clock): [number, number][] => c.chains.map((chain, i) => [chain, c.epochs[i]]);

// Chains of the other threads: ids reach threadId * 2^24, beyond Int32.
const other = (threadId + 1) * 2 ** 24;
const foreign = fc
  .uniqueArray(fc.tuple(fc.oneof(fc.nat(30), fc.nat(30).map((c) => other + c), fc.nat(30).map((c) => other + 2 ** 24 + c)), fc.integer({ min: 1, max: 2 ** 40 })), {
    selector: ([c]) => c,
    maxLength: 6,
  })
  .map((pairs) => pairs.filter(([c]) => c < threadId * 2 ** 24 || c >= other));

describe('a clock on the wire', () => {
  it('decodes to the sending segment, whether the receipt took the message clock whole or joined it', () => {
    fc.assert(
      fc.property(foreign, fc.boolean(), fc.boolean(), (pairs, reply, fresh) => {
        const tok = context.rootToken('test');
        // A segment of this thread that sent: the reply (if it is one) knows it, at its chain's tail.
        const sent = new Seg(EMPTY_CLOCK, tok);
        stamp(sent);
        const received = reply ? [...pairs, [sent.chain, sent.epoch] as [number, number]] : pairs;
        received.sort((a, b) => a[0] - b[0]);
        // The receipt's segment starts from the sending one (port order), or from nothing (a port's
        // first message): then it takes any message whole, and opens a chain if it knows no tail.
        const seg = new Seg(fresh ? EMPTY_CLOCK : sent, tok);
        context.current.ctx = seg;
        wire.receiveWire(encode(received));
        const out = wire.sendWire();
        const want = new Map<number, number>(received);
        if (!fresh) want.set(sent.chain, Math.max(want.get(sent.chain) ?? 0, sent.epoch));
        want.set(seg.chain, Math.max(want.get(seg.chain) ?? 0, seg.epoch));
        expect(decode(out)).toEqual([...want].sort((a, b) => a[0] - b[0]));
        expect(decode(out)).toEqual(componentsOf(seg));
        // A reply's receipt continues the chain the reply knew.
        if (reply) expect(seg.chain).toBe(sent.chain);
      }),
      { numRuns: 300 },
    );
  });
});
