// The two ends of every cross-thread edge: the clock a sender hands over, and the join on receipt.
import { threadId } from 'node:worker_threads';
import { clockToArray, EMPTY_CLOCK, join, VectorClock } from '../clock.js';
import { current } from '../context.js';
import { currentSegment } from '../rules.js';
import type { Segment } from '../segment.js';
import type { ExitRecord } from './shared.js';

const CHAINS_PER_THREAD = 2 ** 24; // as in segment.ts
const ownLo = threadId * CHAINS_PER_THREAD;
const ownHi = ownLo + CHAINS_PER_THREAD;

let lastSent: VectorClock | null = null;
let lastWire: number[] = [];

/**
 * The clock a message, a new worker or a notify carries: the running segment's, stamped first, so
 * that the whole sending segment (what it did before and after the send) is ordered before the
 * receipt. That is sound: anything that can act on the receipt's knowledge and touch the sender's
 * Maps runs in the sender's thread, after the sending segment has finished.
 */
export function sendClock(): VectorClock {
  return currentSegment().clock;
}

/** `sendClock()` in wire form; the array is shared by consecutive sends of one clock (a clone copies it). */
export function sendWire(): number[] {
  const clock = sendClock();
  if (clock !== lastSent) {
    lastSent = clock;
    lastWire = clockToArray(clock);
  }
  return lastWire;
}

let lastReceivedWire: number[] = [];
let lastReceived: VectorClock = EMPTY_CLOCK;

/** Decodes a received wire clock; consecutive messages from one sending segment share one clock. */
export function fromWire(wire: unknown): VectorClock | null {
  if (!Array.isArray(wire) || (wire.length & 1) !== 0) return null;
  const prev = lastReceivedWire;
  if (wire.length === prev.length) {
    let same = true;
    for (let i = 0; i < wire.length; i++) {
      if (wire[i] !== prev[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastReceived;
  }
  const chains: number[] = [];
  const epochs: number[] = [];
  for (let i = 0; i < wire.length; i += 2) {
    const c = wire[i];
    const e = wire[i + 1];
    if (typeof c !== 'number' || typeof e !== 'number') return null;
    chains.push(c);
    epochs.push(e);
  }
  lastReceivedWire = wire;
  lastReceived = new VectorClock(chains, epochs);
  return lastReceived;
}

// --- receipt ------------------------------------------------------------------------------------------
// Everything this thread has received from other threads, kept only in a worker: it is the worker's
// exit clock. Its own chains need not travel (only this thread's segments are ever compared with
// them, and it has ended), so "the worker's last segment → exit" is exactly what it received.
let received: VectorClock = EMPTY_CLOCK;
let exitRecord: ExitRecord | null = null;

export function setExitRecord(record: ExitRecord): void {
  exitRecord = record;
  if (received.chains.length > 0) record.write(received, ownLo, ownHi);
}

/**
 * Joins a clock from another thread into the running segment. At the start of a callback (a
 * message's root activation) the segment is not stamped yet; in the middle of one (a synchronous
 * `receiveMessageOnPort`, `Atomics.wait`) it may be: the segment's clock then grows in place rather
 * than splitting the segment, because nothing of this thread can run during a blocking receive and
 * the segment stays atomic (splitting would report read-modify-writes around it).
 */
export function receive(clock: VectorClock): void {
  if (clock.chains.length === 0) return;
  const seg = current.ctx.seg;
  seg.clock = join(seg.clock, clock);
  if (exitRecord !== null) {
    const all = join(received, clock);
    if (all !== received) {
      received = all;
      exitRecord.write(all, ownLo, ownHi);
    }
  } else if (threadId !== 0) {
    received = join(received, clock);
  }
}

/** Joins a segment of this thread (the previous receipt on a port) into the running segment. */
export function follow(prev: Segment): void {
  const seg = current.ctx.seg;
  if (prev !== seg) seg.clock = join(seg.clock, prev.clock);
}
