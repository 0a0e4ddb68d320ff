// The two ends of every cross-thread edge: the clock a sender hands over, and the join on receipt.
import { threadId } from 'node:worker_threads';
import { join, knowsComponents, VectorClock } from '../clock.js';
import { current } from '../context.js';
import { currentSegment } from '../rules.js';
import type { Segment } from '../segment.js';
import type { ExitRecord } from './shared.js';

const CHAINS_PER_THREAD = 2 ** 24; // as in segment.ts
const ownLo = threadId * CHAINS_PER_THREAD;
const ownHi = ownLo + CHAINS_PER_THREAD;

let lastSent: VectorClock | null = null;
let lastWire = '';

/**
 * The clock a message, a new worker or a notify carries: the running segment's, stamped first, so
 * that the whole sending segment (what it did before and after the send) is ordered before the
 * receipt. That is sound: anything that can act on the receipt's knowledge and touch the sender's
 * Maps runs in the sender's thread, after the sending segment has finished.
 */
export function sendClock(): VectorClock {
  return currentSegment().clock;
}

/**
 * `sendClock()` in wire form: a string of UTF-16 code units, three per number (48 bits: chain ids
 * reach threadId * 2^24), chain then epoch for each component. A string, not an array of numbers:
 * structured clone copies a short string for a fraction of what it costs to rebuild an array
 * (measured: an envelope with a 6-number array added ~0.5 µs per message; as a string, ~0.05 µs),
 * and code units decode without parsing. Made once per clock.
 */
export function sendWire(): string {
  const clock = sendClock();
  if (clock !== lastSent) {
    lastSent = clock;
    lastWire = encode(clock);
  }
  return lastWire;
}

function encode(clock: VectorClock): string {
  if (clock.base !== null && clock.base === wiredClock) {
    const i = wiredClock.chains.indexOf(clock.chain);
    // The segment's own epoch is past any of its chain a message could carry (segment.ts).
    if (i >= 0) return itsWire.slice(0, 6 * i + 3) + unitsOf(clock.epoch) + itsWire.slice(6 * i + 6);
  }
  const chains = clock.chains;
  const epochs = clock.epochs;
  let out = '';
  for (let i = 0; i < chains.length; i++) out += unitsOf(chains[i]) + unitsOf(epochs[i]);
  return out;
}

// ToInt32 keeps the low 32 bits of the truncated quotient, so `& 0xffff` picks each 16-bit unit.
function unitsOf(x: number): string {
  return String.fromCharCode(x & 0xffff, (x / 0x10000) & 0xffff, (x / 0x100000000) & 0xffff);
}

function get(s: string, at: number): number {
  return s.charCodeAt(at) + s.charCodeAt(at + 1) * 0x10000 + s.charCodeAt(at + 2) * 0x100000000;
}

// The components of a wire clock being received, decoded into buffers every receipt reuses: a
// receipt allocates only when it learns something (a new clock for the segment).
const inChains: number[] = [];
const inEpochs: number[] = [];
/** The wire clock the buffers hold. */
let inWire = '';

// --- receipt ------------------------------------------------------------------------------------------
// In a worker whose parent runs mapsan, everything this thread receives from other threads is raised
// into its link: it is the worker's exit clock. Its own chains need not travel (only this thread's
// segments are ever compared with them, and it has ended), so "the worker's last segment → exit" is
// exactly what it received.
let exitRecord: ExitRecord | null = null;

export function setExitRecord(record: ExitRecord): void {
  exitRecord = record;
}

/**
 * Joins a clock from another thread into the running segment. At the start of a callback (a
 * message's root activation) the segment is not stamped yet; in the middle of one (a synchronous
 * `receiveMessageOnPort`, `Atomics.wait`) it may be: the segment's clock then grows in place rather
 * than splitting the segment, because nothing of this thread can run during a blocking receive and
 * the segment stays atomic (splitting would report read-modify-writes around it).
 */
export function receive(clock: VectorClock): void {
  receiveComponents(clock.chains, clock.epochs, clock.chains.length, '');
}

/** `receive` of a clock in wire form; anything else (not a clock mapsan sent) is ignored. */
export function receiveWire(wire: unknown): void {
  if (typeof wire !== 'string' || wire.length % 6 !== 0) return;
  const n = wire.length / 6;
  if (wire !== inWire) {
    for (let i = 0; i < n; i++) {
      inChains[i] = get(wire, 6 * i);
      inEpochs[i] = get(wire, 6 * i + 3);
    }
    inWire = wire;
  }
  receiveComponents(inChains, inEpochs, n, wire);
}

// The last clock made from a message's wire, and that wire. A receipt takes it whole when the message
// knew all the receiving segment did (a reply); a segment stamped over it then differs from it in one
// component, its own, and travels as that wire with one component rewritten: no flat copy, no encoding.
let wiredClock: VectorClock | null = null;
let itsWire = '';

/** `receive` of a clock given as the first `n` entries of sorted component arrays (its wire, if it
 *  came as one, or ''). */
function receiveComponents(chains: readonly number[], epochs: readonly number[], n: number, wire: string): void {
  if (n === 0) return;
  const seg = current.ctx.seg;
  const known = seg.clock;
  if (!knowsComponents(known, chains, epochs, n)) {
    const received = new VectorClock(chains.slice(0, n), epochs.slice(0, n));
    seg.clock = join(received, known);
    if (wire !== '') {
      wiredClock = received;
      itsWire = wire;
    }
  }
  if (exitRecord !== null) exitRecord.raise(chains, epochs, n, ownLo, ownHi);
}

/** Joins a segment of this thread (the previous receipt on a port) into the running segment. */
export function follow(prev: Segment): void {
  const seg = current.ctx.seg;
  // The previous receipt usually knows all the port's callback started from: tried first.
  if (prev !== seg) seg.clock = join(prev.clock, seg.clock);
}
