// Clocks in shared memory, for the edges that have no message to ride on: a worker's exit (its
// thread may be terminated at any instruction, and `process.on('exit')` does not run then) and
// `Atomics.notify` → the wait it wakes. A clock is stored as Float64 pairs (chain, epoch): chain ids
// reach threadId * 2^24, beyond Int32.
//
// - A worker's *link* (one SharedArrayBuffer per `new Worker`, made by the parent): the child's
//   thread id, written by the parent once the constructor returns (the child checks it, so that a
//   grandchild never mistakes environment data it inherited for its own), and the child's exit
//   clock, raised in place at every receipt: an epoch grows by one store, a new chain's pair is
//   written before the length counts it, so a worker stopped anywhere leaves a valid clock.
// - The process's *shared table* (one per process, made by the main thread, handed to every
//   worker with its link): the number of live workers not known to run mapsan (while it is not 0,
//   a message that may reach any thread travels plain), and the Atomics mailboxes.
import { VectorClock } from '../clock.js';

/** Components kept in a worker's exit clock; beyond, chains first heard of later are dropped. */
export const EXIT_CAP = 1024;
const LINK_HEADER_BYTES = 8; // Int32: [0] child thread id, [1] number of pairs
export const LINK_CHILD = 0;
const LINK_LEN = 1;

export function newLink(): SharedArrayBuffer {
  return new SharedArrayBuffer(LINK_HEADER_BYTES + EXIT_CAP * 2 * 8);
}

/** Writes up to `cap` components of `clock` at `at`; returns how many. */
function writePairs(f64: Float64Array, at: number, cap: number, clock: VectorClock): number {
  const chains = clock.chains;
  const epochs = clock.epochs;
  const n = Math.min(chains.length, cap);
  for (let i = 0; i < n; i++) {
    f64[at + 2 * i] = chains[i];
    f64[at + 2 * i + 1] = epochs[i];
  }
  return n;
}

function readPairs(f64: Float64Array, at: number, n: number): VectorClock {
  const chains: number[] = new Array(n);
  const epochs: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    chains[i] = f64[at + 2 * i];
    epochs[i] = f64[at + 2 * i + 1];
  }
  return new VectorClock(chains, epochs);
}

export class ExitRecord {
  readonly i32: Int32Array;
  private readonly f64: Float64Array;
  /** Worker side: where each chain's pair is. */
  private readonly at = new Map<number, number>();
  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, LINK_HEADER_BYTES / 4);
    this.f64 = new Float64Array(sab, LINK_HEADER_BYTES);
  }
  /**
   * Worker side, its only writer: raises the record to the first `n` components given, in place (a
   * receipt changes one or two epochs; a join and a rewrite of the whole clock cost more than the
   * message). The thread's own chains are left out: nobody else compares with them.
   */
  raise(chains: readonly number[], epochs: readonly number[], n: number, skipLo: number, skipHi: number): void {
    const f64 = this.f64;
    for (let i = 0; i < n; i++) {
      const c = chains[i];
      if (c >= skipLo && c < skipHi) continue;
      const at = this.at.get(c);
      if (at !== undefined) {
        if (f64[at + 1] < epochs[i]) f64[at + 1] = epochs[i];
        continue;
      }
      const len = this.i32[LINK_LEN];
      if (len === EXIT_CAP) continue;
      f64[2 * len] = c;
      f64[2 * len + 1] = epochs[i];
      this.at.set(c, 2 * len);
      Atomics.store(this.i32, LINK_LEN, len + 1);
    }
  }
  /** Parent side, at the Worker's 'exit' event (the thread has stopped). Pairs are in the order the
   *  worker first heard of their chains; a clock's are sorted. */
  read(): VectorClock {
    const n = Atomics.load(this.i32, LINK_LEN);
    const order: number[] = [];
    for (let i = 0; i < n; i++) order.push(i);
    order.sort((a, b) => this.f64[2 * a] - this.f64[2 * b]);
    return new VectorClock(
      order.map((i) => this.f64[2 * i]),
      order.map((i) => this.f64[2 * i + 1]),
    );
  }
}

// --- the process's shared table --------------------------------------------------------------------
/** Atomics mailboxes: a notify joins its clock into the slot its address hashes to. */
export const SLOTS = 32;
export const SLOT_CAP = 128;
const UNKNOWN = 0; // live workers that may not run mapsan
const HEADER_INTS = 2 + 2 * SLOTS; // [0] unknown, [1] spare, then a lock and a length per slot
const HEADER_BYTES = HEADER_INTS * 4;

export class SharedTable {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, HEADER_INTS);
    this.f64 = new Float64Array(sab, HEADER_BYTES);
  }
  static create(): SharedTable {
    return new SharedTable(new SharedArrayBuffer(HEADER_BYTES + SLOTS * SLOT_CAP * 2 * 8));
  }

  unknownWorkers(): number {
    return Atomics.load(this.i32, UNKNOWN);
  }
  addUnknown(delta: number): void {
    Atomics.add(this.i32, UNKNOWN, delta);
  }

  /** Joins `clock` into a mailbox (every notify that hashed there: an over-approximation). */
  deposit(slot: number, clock: VectorClock, join: (a: VectorClock, b: VectorClock) => VectorClock): void {
    if (!this.lock(slot)) return;
    try {
      const at = slot * SLOT_CAP * 2;
      const old = readPairs(this.f64, at, this.i32[2 + 2 * slot + 1]);
      const merged = join(old, clock);
      if (merged !== old) this.i32[2 + 2 * slot + 1] = writePairs(this.f64, at, SLOT_CAP, merged);
    } finally {
      Atomics.store(this.i32, 2 + 2 * slot, 0);
    }
  }

  collect(slot: number): VectorClock | null {
    if (!this.lock(slot)) return null;
    try {
      return readPairs(this.f64, slot * SLOT_CAP * 2, this.i32[2 + 2 * slot + 1]);
    } finally {
      Atomics.store(this.i32, 2 + 2 * slot, 0);
    }
  }

  /** A spin lock held for a few hundred stores at most; gives up (edge lost) rather than hang. */
  private lock(slot: number): boolean {
    const at = 2 + 2 * slot;
    for (let spins = 0; spins < 1_000_000; spins++) {
      if (Atomics.compareExchange(this.i32, at, 0, 1) === 0) return true;
    }
    return false;
  }
}
