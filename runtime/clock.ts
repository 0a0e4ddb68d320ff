// Immutable sparse vector clocks. Nothing mutates a clock after it is made, so capturing one (a fork,
// a promise settling) is a pointer copy, and clocks are shared by every segment that inherits them.
// Components are chains (EventRacer): a chain is opened only by a segment that touches a Map and
// follows no chain's tail, so the width stays near the number of concurrently active activations.

export class VectorClock {
  /** Chain ids in increasing order, and the epoch known for each. */
  constructor(
    readonly chains: readonly number[],
    readonly epochs: readonly number[],
  ) {}
}

export const EMPTY_CLOCK = new VectorClock([], []);

export function epochOf(clock: VectorClock, chain: number): number {
  const chains = clock.chains;
  let lo = 0;
  let hi = chains.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = chains[mid];
    if (c === chain) return clock.epochs[mid];
    if (c < chain) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** a ≤ b: everything a knows, b knows. */
export function covers(b: VectorClock, a: VectorClock): boolean {
  if (a === b || a.chains.length === 0) return true;
  const ac = a.chains;
  const ae = a.epochs;
  const bc = b.chains;
  const be = b.epochs;
  let j = 0;
  for (let i = 0; i < ac.length; i++) {
    while (j < bc.length && bc[j] < ac[i]) j++;
    if (j === bc.length || bc[j] !== ac[i] || be[j] < ae[i]) return false;
  }
  return true;
}

export function join(a: VectorClock, b: VectorClock): VectorClock {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  const chains: number[] = [];
  const epochs: number[] = [];
  const ac = a.chains;
  const ae = a.epochs;
  const bc = b.chains;
  const be = b.epochs;
  let i = 0;
  let j = 0;
  while (i < ac.length || j < bc.length) {
    if (j === bc.length || (i < ac.length && ac[i] < bc[j])) {
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
  return new VectorClock(chains, epochs);
}

export function withEpoch(clock: VectorClock, chain: number, epoch: number): VectorClock {
  const chains = clock.chains.slice();
  const epochs = clock.epochs.slice();
  let i = 0;
  while (i < chains.length && chains[i] < chain) i++;
  if (chains[i] === chain) epochs[i] = epoch;
  else {
    chains.splice(i, 0, chain);
    epochs.splice(i, 0, epoch);
  }
  return new VectorClock(chains, epochs);
}

/** Wire form for clocks that travel between threads. */
export function clockToArray(clock: VectorClock): number[] {
  const out: number[] = [];
  for (let i = 0; i < clock.chains.length; i++) out.push(clock.chains[i], clock.epochs[i]);
  return out;
}

export function clockFromArray(flat: readonly number[]): VectorClock {
  const chains: number[] = [];
  const epochs: number[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    chains.push(flat[i]);
    epochs.push(flat[i + 1]);
  }
  return new VectorClock(chains, epochs);
}
