// Shadow state: what is remembered per (Map, key), and per Map for its membership and iterations.
// Histories are rings of at most `history_size` slots (TSan's history_size), grown lazily and then
// reused in place, so a steady-state access allocates nothing. Object keys are held weakly, and the
// whole shadow hangs off its Map, so neither keys nor dead Maps are kept alive.
import { Activation, rootToken } from './context.js';
import { config } from './config.js';
import { EMPTY_CLOCK } from './clock.js';
import { mapHas, mapIteratorNext, mapKeys } from './originals.js';
import { Segment } from './segment.js';
import { Stamp } from './tags.js';

const NOBODY_TOKEN = rootToken('none');
const NOBODY = NOBODY_TOKEN.act;
const NOWHERE = new Segment(EMPTY_CLOCK, NOBODY_TOKEN);

/** One remembered access. */
export class Access {
  seg = NOWHERE;
  site = -1;
  act = NOBODY;
  op = '';
  stack: string | undefined = undefined;
  copy(from: Access): void {
    this.set(from.seg, from.site, from.act, from.op, from.stack);
  }
  set(seg: Segment, site: number, act: Activation, op: string, stack: string | undefined): void {
    this.seg = seg;
    this.site = site;
    this.act = act;
    this.op = op;
    this.stack = stack;
  }
}

/** A bounded ring of reusable slots. */
export class Ring<T> {
  readonly items: T[] = [];
  private next = 0;
  private newest: T | null = null;
  constructor(private readonly make: () => T) {}
  /** The slot to overwrite: a new one while the ring grows, then the oldest. */
  slot(): T {
    if (this.items.length < config.historySize) {
      const item = this.make();
      this.items.push(item);
      return (this.newest = item);
    }
    const item = this.items[this.next];
    this.advance();
    return (this.newest = item);
  }
  /** The slot `slot()` returned last, if any. */
  latest(): T | null {
    return this.newest;
  }
  /** Keeps `item` in place of the oldest. */
  add(item: T): void {
    if (this.items.length < config.historySize) this.items.push(item);
    else {
      this.items[this.next] = item;
      this.advance();
    }
  }
  private advance(): void {
    if (++this.next === this.items.length) this.next = 0;
  }
}

/** Two accesses of one activation that a write in between would break. */
export class Pair {
  readonly first = new Access();
  readonly second = new Access();
  /** stale-read pairs of the check-then-use shape: only removals break them. */
  removalsOnly = false;
}

/** What one activation last did to one key. Its last access and its last read are kept as fields
 *  beside the segment they share, not as two records: a first access in a segment then stores the
 *  (young) segment into this (old) state once. */
export class ActivationState {
  act = NOBODY;
  /** The last segment in which the activation touched the key. */
  seg: Segment | null = null;
  /** Its last access there. */
  lastSite = -1;
  lastOp = '';
  lastStack: string | undefined = undefined;
  lastHasTrue = false;
  /** Its last read there: site -1 when it only wrote. */
  readSite = -1;
  readOp = '';
  readStack: string | undefined = undefined;
}

export class ShadowKey {
  writes: Ring<Access> | null = null;
  reads: Ring<Access> | null = null;
  lostUpdatePairs: Ring<Pair> | null = null;
  staleReadPairs: Ring<Pair> | null = null;
  readonly states: ActivationState[] = [];
  private nextState = 0;
  /** The largest activation id among the states ever kept. */
  private newestAct = 0;
  lastState: ActivationState | null = null;
  /** The context (its `current.serial`) whose repeated reads of the key change only which access came
   *  last: `lastState` is its activation's, at its segment (rules.ts, recordRead). -1 with stacks=full. */
  fastSerial = -1;
  /** The same for a `set`, once the key's writes were checked in that segment: -1 or fastSerial. */
  fastSetSerial = -1;
  lastWriteSeg: Segment | null = null;
  lastRemovalSeg: Segment | null = null;
  lastReadSeg: Segment | null = null;

  stateOf(act: Activation): ActivationState {
    const last = this.lastState;
    if (last !== null && last.act === act) return last;
    const states = this.states;
    // Activation ids only grow: one newer than every state's is in none (each message, timer or
    // request a root activation of its own).
    if (act.id <= this.newestAct) {
      for (let i = 0; i < states.length; i++) {
        if (states[i].act === act) return (this.lastState = states[i]);
      }
    } else this.newestAct = act.id;
    let st: ActivationState;
    if (states.length < config.historySize) states.push((st = new ActivationState()));
    else {
      st = states[this.nextState];
      this.nextState = (this.nextState + 1) % states.length;
      st.seg = null;
      st.lastHasTrue = false;
    }
    st.act = act;
    return (this.lastState = st);
  }
}

/** An iteration over a Map whose steps may span segments. */
export class Iteration {
  readonly start = new Access();
  /** Distinct segments its steps ran in: the first, and the latest ones. */
  readonly firstSeg: Segment;
  readonly steps: Ring<Access> = new Ring(() => new Access());
  lastSeg: Segment;
  spansSegments = false;
  constructor(seg: Segment, site: number, act: Activation, op: string) {
    this.start.set(seg, site, act, op, undefined);
    this.firstSeg = this.lastSeg = seg;
  }
}

const accessRing = (): Ring<Access> => new Ring(() => new Access());

// The shadow hangs off the Map as a private field (tags.ts): invisible to reflection, as fast as a
// property, and collected with the Map.
class Shadowed extends Stamp {
  #shadow: MapShadow;
  constructor(target: object, shadow: MapShadow) {
    super(target);
    this.#shadow = shadow;
  }
  static of(map: object): MapShadow | undefined {
    return #shadow in map ? (map as Shadowed).#shadow : undefined;
  }
}
// Should V8 ever refuse private fields on non-extensible objects, frozen Maps fall back to this.
const frozenShadows = new WeakMap<object, MapShadow>();

/** The shadow of a Map (a real one: the caller has checked). The rare first access is a function of
 *  its own, out of the bytecode V8 inlines into every Map operation (rules.ts). */
export function shadowOf(map: Map<unknown, unknown>): MapShadow {
  return Shadowed.of(map) ?? unshadowedOf(map);
}

function unshadowedOf(map: Map<unknown, unknown>): MapShadow {
  const found = frozenShadows.get(map);
  if (found !== undefined) return found;
  const shadow = new MapShadow();
  try {
    new Shadowed(map, shadow);
  } catch {
    frozenShadows.set(map, shadow);
  }
  return shadow;
}

export class MapShadow {
  private keys: Map<unknown, ShadowKey> | null = null;
  private objectKeys: WeakMap<object, ShadowKey> | null = null;
  /** The Map's membership, as one more location. */
  readonly membership = new ShadowKey();
  /** clear() writes every key, including keys never seen: remembered here once. */
  clears: Ring<Access> | null = null;
  iterations: Ring<Iteration> | null = null;
  createdAt = -1;
  private pruneAt = 1024;

  // The last primitive key looked up (never an object key: that would keep it alive).
  private lastKey: unknown = undefined;
  private lastKeyShadow: ShadowKey | null = null;

  keyShadow(key: unknown, map: Map<unknown, unknown>): ShadowKey {
    if (key !== null && (typeof key === 'object' || typeof key === 'function')) return this.objectKeyShadow(key);
    const sk = this.keys?.get(key) ?? this.newKeyShadow(key, map);
    this.lastKey = key;
    this.lastKeyShadow = sk;
    return sk;
  }

  /** Kept out of keyShadow, which is inlined into every Map operation (map-ops.ts). */
  private newKeyShadow(key: unknown, map: Map<unknown, unknown>): ShadowKey {
    const keys = (this.keys ??= new Map());
    if (keys.size >= this.pruneAt) this.prune(keys, map);
    const sk = new ShadowKey();
    keys.set(key, sk);
    return sk;
  }

  /** A write usually follows a read of the same key (read-modify-write): the last key is tried
   *  first. Reads go straight to `keyShadow`: they seldom repeat the last key, and telling two
   *  distinct strings apart compares their contents, which costs about what a hit saves. */
  recentKeyShadow(key: unknown, map: Map<unknown, unknown>): ShadowKey {
    if (key === this.lastKey && this.lastKeyShadow !== null) return this.lastKeyShadow;
    return this.keyShadow(key, map);
  }

  private objectKeyShadow(key: object): ShadowKey {
    const weak = (this.objectKeys ??= new WeakMap());
    let sk = weak.get(key);
    if (sk === undefined) weak.set(key, (sk = new ShadowKey()));
    return sk;
  }

  /** Shadows of every key clear() writes: primitive keys ever seen, object keys present now. */
  clearedKeys(map: Map<unknown, unknown>): [unknown, ShadowKey][] {
    const out: [unknown, ShadowKey][] = [];
    if (this.keys !== null) for (const entry of this.keys) out.push(entry);
    if (this.objectKeys !== null) {
      for (const key of iterate(mapKeys(map))) {
        const sk = typeof key === 'object' || typeof key === 'function' ? this.objectKeys.get(key as object) : undefined;
        if (sk !== undefined) out.push([key, sk]);
      }
    }
    return out;
  }

  /** Forgets keys no longer in the Map once the shadow outgrows it (a Map of churning sessions). */
  private prune(keys: Map<unknown, ShadowKey>, map: Map<unknown, unknown>): void {
    for (const key of keys.keys()) if (!mapHas(map, key)) keys.delete(key);
    this.pruneAt = Math.max(1024, keys.size * 2);
  }
}

function* iterate(it: Iterator<unknown>): Generator<unknown> {
  for (let r = mapIteratorNext(it); !r.done; r = mapIteratorNext(it)) yield r.value;
}

export function accessRingOf(sk: ShadowKey, which: 'writes' | 'reads'): Ring<Access> {
  return (sk[which] ??= accessRing());
}
