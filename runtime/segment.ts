// A segment is one run of code by the event loop, to completion. It gets an identity (chain, epoch)
// only at its first Map access: segments that touch no Map only carry clocks from their causes to
// what they schedule.
import { threadId } from 'node:worker_threads';
import { epochOf, VectorClock } from './clock.js';
import type { Token } from './context.js';

/** Where the thread is: a segment and the token of the activation its code belongs to now. Captured
 *  by pointer at every fork; a new one is made only when the token changes within a segment. */
export class Context {
  constructor(
    readonly seg: Segment,
    readonly tok: Token,
  ) {}
}

/** A segment is also the context it starts with, and once stamped its own clock (its entry clock
 *  with its (chain, epoch) raised): one allocation per segment run, which the histories that
 *  remember the segment hold as both its identity and its clock. */
export class Segment extends VectorClock {
  readonly seg: Segment;
  /** The entry clock until the segment is stamped, then the segment itself. */
  clock: VectorClock;
  constructor(
    clock: VectorClock,
    readonly tok: Token,
  ) {
    super(null, null);
    this.seg = this;
    this.clock = clock;
  }

  stampAs(chain: number, epoch: number): void {
    this.raise(this.clock, chain, epoch);
    this.clock = this;
  }
}

// Chain ids are unique across threads so clocks can travel with messages: the thread id picks a
// block of 2^24 chains. Chains never recycle in one thread; reuse of tails keeps them few.
const CHAINS_PER_THREAD = 2 ** 24;
const firstChain = threadId * CHAINS_PER_THREAD;
const tails: number[] = [];

// Where the last scan of a clock's components for a free tail stopped. Tails only move forward, so a
// component that did not match, or was just extended, never matches again: the next segment forked
// from the same clock (thousands of activations started by one segment) resumes the scan there.
let scanned: VectorClock | null = null;
let scanFrom = 0;

/** Gives a segment its identity: it extends a chain whose tail it follows, or opens a new one. */
export function stamp(seg: Segment): void {
  const clock = seg.clock;
  // Usually the segment continues the activation whose chain its cause extended last.
  if (clock.base !== null) {
    const local = clock.chain - firstChain;
    if (local >= 0 && local < tails.length && tails[local] === clock.epoch) {
      extend(seg, local);
      return;
    }
  }
  const chains = clock.chains;
  for (let i = clock === scanned ? scanFrom : chains.length - 1; i >= 0; i--) {
    const local = chains[i] - firstChain;
    if (local >= 0 && local < tails.length && tails[local] === clock.epochs[i]) {
      scanned = clock;
      scanFrom = i - 1;
      extend(seg, local);
      return;
    }
  }
  scanned = clock;
  scanFrom = -1;
  tails.push(0);
  extend(seg, tails.length - 1);
}

function extend(seg: Segment, local: number): void {
  seg.stampAs(firstChain + local, ++tails[local]);
}

/** a happens before b (a, b stamped or a unstamped and then vacuously false). */
export function happensBefore(a: Segment, b: Segment): boolean {
  return a !== b && a.chain >= 0 && epochOf(b.clock, a.chain) >= a.epoch;
}

/**
 * b extends a's chain over the same base and has learned nothing since it was stamped (a blocking
 * receive grows a stamped segment's clock in place: threads/clocks.ts): it knows nothing a did not,
 * beyond a's chain. Then every segment concurrent with a is concurrent with b (anything b knows off
 * that chain, a knew), so a write in b can stand for one in a wherever the rules look for some write
 * concurrent with an access.
 */
export function succeeds(b: Segment, a: Segment): boolean {
  return a !== b && a.chain >= 0 && b.clock === b && b.chain === a.chain && b.base === a.base && b.epoch > a.epoch;
}

export function concurrent(a: Segment, b: Segment): boolean {
  return a !== b && !happensBefore(a, b) && !happensBefore(b, a);
}
