// Immutable sparse vector clocks. Nothing mutates a clock once it can be held as one (a stamped
// segment is its own clock: `raise`), so capturing one (a fork, a promise settling) is a pointer copy,
// and clocks are shared by every segment that inherits them.
// Components are chains (EventRacer): a chain is opened only by a segment that touches a Map and
// follows no chain's tail, so the width stays near the number of concurrently active activations.
//
// A clock is either flat (sorted chains with their epochs) or one component over a base: the
// commonest new clock is "my cause, plus my own next epoch", and successive segments of one
// activation extend one chain, so stamping a segment replaces the component instead of copying the
// whole clock. A base is itself flat or based, a few levels deep at most: a segment that opens a
// chain over a based clock keeps that clock as its base, so the many activations forked from one
// segment share it (and compare in one step) instead of each holding a flat copy as wide as the
// widest join before them.

export class VectorClock {
  private flatChains: readonly number[] | null;
  private flatEpochs: readonly number[] | null;
  constructor(
    chains: readonly number[] | null,
    epochs: readonly number[] | null,
    /** Set for a one-component clock over a flat base. */
    readonly base: VectorClock | null = null,
    readonly chain = -1,
    readonly epoch = 0,
  ) {
    this.flatChains = chains;
    this.flatEpochs = epochs;
  }

  /** A segment becomes its own clock when it is stamped (segment.ts): `clock` raised to `epoch` on
   *  `chain`. Once only, before anything can hold it as a clock, so clocks stay immutable. */
  protected raise(clock: VectorClock, chain: number, epoch: number): void {
    const base = clock.base;
    (this as { base: VectorClock | null }).base =
      base === null ? clock : clock.chain === chain ? base : depthOf(clock) < MAX_DEPTH ? clock : new VectorClock(clock.chains, clock.epochs);
    (this as { chain: number }).chain = chain;
    (this as { epoch: number }).epoch = epoch;
  }

  /** The components as sorted arrays (made once, on demand, for a clock over a base). */
  get chains(): readonly number[] {
    if (this.flatChains === null) this.flatten();
    return this.flatChains!;
  }

  get epochs(): readonly number[] {
    if (this.flatEpochs === null) this.flatten();
    return this.flatEpochs!;
  }

  /** A clock with no base is flat from its construction: its arrays, without the getters' flatten. */
  static flatChainsOf(clock: VectorClock): readonly number[] {
    return clock.flatChains!;
  }

  static flatEpochsOf(clock: VectorClock): readonly number[] {
    return clock.flatEpochs!;
  }

  // One loop down the bases, not a recursion through the getters: TurboFan inlines a getter at each
  // of its sites together with the flatten it may call, and a flatten that called the getters again
  // was inlined into itself, several levels deep at every site (measured in a worker: covers held six
  // copies), which made compiling the hot functions cost most of a short run.
  private flatten(): void {
    let n = 0;
    let c: VectorClock = this;
    for (; c.flatChains === null; c = c.base!) n = addPending(n, c.chain, c.epoch);
    mergeInto((this.flatChains = []), (this.flatEpochs = []), c.flatChains, c.flatEpochs!, pendingChains, pendingEpochs, n);
  }
}

/** How many bases lie below a clock: epochOf walks them all. */
const MAX_DEPTH = 4;

function depthOf(clock: VectorClock): number {
  let depth = 0;
  for (let c = clock.base; c !== null; c = c.base) depth++;
  return depth;
}

// The components of the clocks above a flat one, sorted by chain, as mergeInto takes them.
const pendingChains: number[] = [];
const pendingEpochs: number[] = [];

/** Adds a component to the first `n` pending ones (a chain met twice keeps its larger epoch);
 *  returns their new number. */
function addPending(n: number, chain: number, epoch: number): number {
  let at = n;
  for (let i = 0; i < n; i++) {
    if (pendingChains[i] !== chain) continue;
    if (pendingEpochs[i] < epoch) pendingEpochs[i] = epoch;
    return n;
  }
  while (at > 0 && pendingChains[at - 1] > chain) {
    pendingChains[at] = pendingChains[at - 1];
    pendingEpochs[at] = pendingEpochs[at - 1];
    at--;
  }
  pendingChains[at] = chain;
  pendingEpochs[at] = epoch;
  return n + 1;
}

/** Appends to (chains, epochs) the componentwise maximum of two sorted component lists, the
 *  second given by its first `bn` entries (it may be a scratch buffer). */
function mergeInto(
  chains: number[],
  epochs: number[],
  ac: readonly number[],
  ae: readonly number[],
  bc: readonly number[],
  be: readonly number[],
  bn: number,
): void {
  let i = 0;
  let j = 0;
  while (i < ac.length || j < bn) {
    if (j === bn || (i < ac.length && ac[i] < bc[j])) {
      chains.push(ac[i]);
      epochs.push(ae[i++]);
    } else if (i === ac.length || bc[j] < ac[i]) {
      chains.push(bc[j]);
      epochs.push(be[j++]);
    } else {
      chains.push(ac[i]);
      epochs.push(ae[i] > be[j] ? ae[i] : be[j]);
      i++;
      j++;
    }
  }
}

export const EMPTY_CLOCK = new VectorClock([], []);

function flatEpochOf(chains: readonly number[], epochs: readonly number[], chain: number): number {
  let lo = 0;
  let hi = chains.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = chains[mid];
    if (c === chain) return epochs[mid];
    if (c < chain) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

export function epochOf(clock: VectorClock, chain: number): number {
  let own = 0;
  let c = clock;
  for (let base = c.base; base !== null; base = c.base) {
    if (c.chain === chain && c.epoch > own) own = c.epoch;
    c = base;
  }
  const below = flatEpochOf(VectorClock.flatChainsOf(c), VectorClock.flatEpochsOf(c), chain);
  return own > below ? own : below;
}

/** b ≥ a: everything a knows, b knows. */
export function covers(b: VectorClock, a: VectorClock): boolean {
  if (a === b || a === EMPTY_CLOCK) return true;
  const base = a.base;
  // Clocks only grow along a causal line, so the common cases need one component compared.
  if (base !== null && (base === b || base === b.base || base === EMPTY_CLOCK)) return epochOf(b, a.chain) >= a.epoch;
  if (b.base === a) return true;
  // Down a's bases rather than flattening it: a flat copy is made only when a join needs one.
  let c = a;
  for (; c.base !== null; c = c.base) if (epochOf(b, c.chain) < c.epoch) return false;
  const ac = VectorClock.flatChainsOf(c);
  const ae = VectorClock.flatEpochsOf(c);
  for (let i = 0; i < ac.length; i++) if (epochOf(b, ac[i]) < ae[i]) return false;
  return true;
}

export function join(a: VectorClock, b: VectorClock): VectorClock {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  const chains: number[] = [];
  const epochs: number[] = [];
  mergeInto(chains, epochs, a.chains, a.epochs, b.chains, b.epochs, b.chains.length);
  return new VectorClock(chains, epochs);
}

/** Whether `a` knows the first `n` components of sorted arrays (a clock decoded from a message into
 *  reused buffers). */
export function knowsComponents(a: VectorClock, chains: readonly number[], epochs: readonly number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (epochOf(a, chains[i]) < epochs[i]) return false;
  return true;
}

/** The join of many clocks (Promise.all over thousands of inputs) in one merge: pairwise joins
 *  would copy a growing clock once per input. */
export function joinAll(clocks: readonly VectorClock[]): VectorClock {
  if (clocks.length <= 2) return clocks.length === 2 ? join(clocks[0], clocks[1]) : (clocks[0] ?? EMPTY_CLOCK);
  const max = new Map<number, number>();
  const keepMax = (chain: number, epoch: number): void => {
    const seen = max.get(chain);
    if (seen === undefined || seen < epoch) max.set(chain, epoch);
  };
  // Each clock object once, down through its bases: the inputs usually share their bases (activations
  // forked from one segment), and flattening each input would copy them all once per input.
  const visited = new Set<VectorClock>();
  for (const clock of clocks) {
    for (let c: VectorClock | null = clock; c !== null && !visited.has(c); c = c.base) {
      visited.add(c);
      if (c.base !== null) keepMax(c.chain, c.epoch);
      else for (let i = 0, chains = c.chains, epochs = c.epochs; i < chains.length; i++) keepMax(chains[i], epochs[i]);
    }
  }
  const chains = [...max.keys()].sort((a, b) => a - b);
  return new VectorClock(chains, chains.map((c) => max.get(c)!));
}
