// The race rules of ../shared/race-model.md, applied at each access. Every rule is checked in both
// directions: when the last access of a pattern arrives (against the writes already remembered), and
// when a write arrives later in the run (against the patterns already remembered), because the
// interleaving that loses the update need not be the one this run happened to take.
import { config } from './config.js';
import { type Activation, current } from './context.js';
import { internalError } from './failsafe.js';
import { reportRace } from './report/index.js';
import { captureStack } from './report/stack.js';
import type { RaceKind } from './report/types.js';
import { concurrent, happensBefore, Segment, stamp, succeeds } from './segment.js';
import { Access, accessRingOf, ActivationState, Iteration, MapShadow, Pair, Ring, ShadowKey, shadowOf } from './shadow.js';

type AnyMap = Map<unknown, unknown>;

/** The running segment, stamped with its identity on the first Map access. */
export function currentSegment(): Segment {
  const seg = current.ctx.seg;
  if (seg.chain < 0) stamp(seg);
  return seg;
}

// The access being made now, as a record, for the rules that compare it with remembered ones; and an
// activation's earlier access to the key, kept as fields of its state (shadow.ts), as a record.
// Both are copied into history slots, never kept themselves; the hot paths fill neither.
const now = new Access();
const earlier = new Access();

function setNow(op: string, site: number): Segment {
  const seg = currentSegment();
  now.set(seg, site, current.ctx.tok.act, op, stackNow());
  return seg;
}

const stackNow = (): string | undefined => (config.fullStacks ? captureStack() : undefined);

/** w could land between first and second: it is ordered with neither. */
function between(w: Access, first: Access, second: Access): boolean {
  return concurrent(w.seg, first.seg) || concurrent(w.seg, second.seg);
}

const isRemoval = (op: string): boolean => op === 'delete' || op === 'clear';

/** `live` is the access being made now, among `parts`. */
function race(kind: RaceKind, ms: MapShadow, key: unknown, membership: boolean, live: Access, ...parts: [Access, string][]): void {
  reportRace({
    kind,
    key,
    membership,
    mapSite: ms.createdAt,
    accesses: parts.map(([a, role]) => ({ op: a.op, role, site: a.site, activation: a.act, stack: a.stack })),
    trigger: parts.findIndex(([a]) => a === live),
    // Test runners: the race belongs to the test whose activation made the access completing it.
    owner: live.act.owner,
  });
}

function eachWrite(sk: ShadowKey, ms: MapShadow, fn: (w: Access) => boolean): void {
  if (sk.writes !== null) for (const w of sk.writes.items) if (fn(w)) return;
  if (ms.clears !== null) for (const w of ms.clears.items) if (fn(w)) return;
}

// The hot path: V8 inlines callees into the program's function only up to a cumulative budget of
// bytecode (920 bytes), and what does not fit is a call per Map operation. A loop that reads and
// writes a key (`m.set(k, m.get(k) + 1)`) inlines both paths below, so each stays small: a repeated
// access by the same context in the same segment only notes which access came last, and everything
// else (a first access, a removal, stacks=full) is a call out (firstRead, write).

/** A get or has of `key`, made now (`hasTrue`: a has that returned true). */
export function recordRead(map: AnyMap, key: unknown, op: string, site: number, hasTrue: boolean): void {
  try {
    const ms = shadowOf(map);
    const sk = ms.keyShadow(key, map);
    if (sk.fastSerial === current.serial) {
      const st = sk.lastState!;
      st.lastSite = st.readSite = site;
      st.lastOp = st.readOp = op;
      st.lastHasTrue = hasTrue;
    } else firstRead(ms, sk, key, op, site, hasTrue);
  } catch (e) {
    internalError(e);
  }
}

/** A set or delete of `key`, made now (`membershipChanged`: it added or removed the key). */
export function recordWrite(map: AnyMap, key: unknown, op: string, site: number, membershipChanged: boolean): void {
  try {
    const ms = shadowOf(map);
    const sk = ms.recentKeyShadow(key, map);
    if (sk.fastSetSerial === current.serial && op === 'set') {
      const st = sk.lastState!;
      st.lastSite = site;
      st.lastOp = op;
      st.lastHasTrue = false;
    } else write(ms, sk, key, op, site);
    if (membershipChanged) membershipWrite(ms, op, site);
  } catch (e) {
    internalError(e);
  }
}

/** The context's next accesses of the key, until another's, take the fast paths above. */
function fastFrom(sk: ShadowKey, seg: Segment): void {
  const serial = config.fullStacks ? -1 : current.serial;
  sk.fastSerial = serial;
  sk.fastSetSerial = sk.lastWriteSeg === seg ? serial : -1;
}

/** A read by the activation in the segment its state is at: it is the last access and the last read. */
function readAgain(st: ActivationState, site: number, op: string, stack: string | undefined, hasTrue: boolean): void {
  st.lastSite = st.readSite = site;
  st.lastOp = st.readOp = op;
  st.lastStack = st.readStack = stack;
  st.lastHasTrue = hasTrue;
}

function firstRead(ms: MapShadow, sk: ShadowKey, key: unknown, op: string, site: number, hasTrue: boolean): void {
  const seg = currentSegment();
  const st = sk.stateOf(current.ctx.tok.act);
  const stack = stackNow();
  const prev = st.seg;
  if (prev !== seg) {
    // The first access of this activation to the key in this segment: the only moment a read can
    // complete a pattern. The cheap tests come before the happens-before lookup.
    const checkThenUse = op === 'get' && st.lastHasTrue && st.lastOp === 'has';
    if (prev !== null && (checkThenUse || config.strict) && happensBefore(prev, seg)) {
      now.set(seg, site, st.act, op, stack);
      earlier.set(prev, st.lastSite, st.act, st.lastOp, st.lastStack);
      staleRead(ms, sk, key, earlier, checkThenUse);
    }
    if (config.strict && sk.lastReadSeg !== seg) {
      sk.lastReadSeg = seg;
      now.set(seg, site, st.act, op, stack);
      plainRaces(ms, sk, key, false, 'read');
      accessRingOf(sk, 'reads').slot().copy(now);
    }
    st.seg = seg;
  }
  readAgain(st, site, op, stack, hasTrue);
  fastFrom(sk, seg);
}

/** A write like this one was checked in this segment already. A removal after a set is checked
 *  again: only removals break a check-then-use. */
function writeChecked(sk: ShadowKey, seg: Segment, op: string): boolean {
  return sk.lastWriteSeg === seg && (sk.lastRemovalSeg === seg || !isRemoval(op));
}

/** A write of the key (set, delete, clear) past the fast path. */
function write(ms: MapShadow, sk: ShadowKey, key: unknown, op: string, site: number): void {
  const checked = writeChecked(sk, current.ctx.seg, op);
  const act = current.ctx.tok.act;
  const seg = currentSegment();
  const stack = stackNow();
  if (!checked) {
    const prevWrite = sk.lastWriteSeg;
    sk.lastWriteSeg = seg;
    if (isRemoval(op)) sk.lastRemovalSeg = seg;
    if (sk.lostUpdatePairs !== null || sk.staleReadPairs !== null || config.strict) {
      now.set(seg, site, act, op, stack);
      breaksPairs(ms, sk, key);
      if (config.strict) plainRaces(ms, sk, key, false, 'write');
    }
    rememberWrite(sk, prevWrite, seg, site, act, op, stack);
  }
  const st = sk.stateOf(act);
  const prev = st.seg;
  if (prev !== seg) {
    // The first access of this activation to the key in this segment: a write based on a read
    // made in its last segment touching the key, if that segment read it at all.
    if (prev !== null && st.readSite >= 0 && happensBefore(prev, seg)) {
      now.set(seg, site, act, op, stack);
      earlier.set(prev, st.readSite, act, st.readOp, st.readStack);
      lostUpdate(ms, sk, key, earlier);
    }
    st.seg = seg;
    st.readSite = -1;
  }
  st.lastSite = site;
  st.lastOp = op;
  st.lastStack = stack;
  st.lastHasTrue = false;
  fastFrom(sk, seg);
}

/**
 * A write that succeeds the key's latest one (segment.ts) takes its slot: a key written over and over
 * along one chain (an activation's own key, awaited in between) keeps one slot instead of filling the
 * history, and other writes stay remembered longer. The key's rules only look for some write
 * concurrent with a pattern, and the newer write is one whenever the older was. A removal is kept
 * from being replaced by a set: only removals break a check-then-use.
 */
function rememberWrite(sk: ShadowKey, prev: Segment | null, seg: Segment, site: number, act: Activation, op: string, stack: string | undefined): void {
  const writes = accessRingOf(sk, 'writes');
  const latest = prev !== null && succeeds(seg, prev) ? writes.latest() : null;
  const slot = latest !== null && (isRemoval(op) || !isRemoval(latest.op)) ? latest : writes.slot();
  slot.set(seg, site, act, op, stack);
}

/** clear(): remembered once for keys not seen yet, then a write of every key seen. */
export function clearAll(ms: MapShadow, keys: [unknown, ShadowKey][], site: number): void {
  setNow('clear', site);
  (ms.clears ??= new Ring(() => new Access())).slot().copy(now);
  for (const [key, sk] of keys) write(ms, sk, key, 'clear', site);
}

function lostUpdate(ms: MapShadow, sk: ShadowKey, key: unknown, stale: Access): void {
  eachWrite(sk, ms, (w) => {
    if (!between(w, stale, now)) return false;
    race('lost-update', ms, key, false, now, [stale, 'read'], [w, 'other-write'], [now, 'write']);
    return true;
  });
  const pair = (sk.lostUpdatePairs ??= new Ring(() => new Pair())).slot();
  pair.first.copy(stale);
  pair.second.copy(now);
}

function staleRead(ms: MapShadow, sk: ShadowKey, key: unknown, first: Access, removalsOnly: boolean): void {
  const [firstRole, secondRole] = removalsOnly ? ['check', 'use'] : ['first', 'second'];
  eachWrite(sk, ms, (w) => {
    if ((removalsOnly && !isRemoval(w.op)) || !between(w, first, now)) return false;
    race('stale-read', ms, key, false, now, [first, firstRole], [w, 'other-write'], [now, secondRole]);
    return true;
  });
  const pair = (sk.staleReadPairs ??= new Ring(() => new Pair())).slot();
  pair.first.copy(first);
  pair.second.copy(now);
  pair.removalsOnly = removalsOnly;
}

/** The write being made now, as the other write of patterns completed earlier in the run. */
function breaksPairs(ms: MapShadow, sk: ShadowKey, key: unknown): void {
  if (sk.lostUpdatePairs !== null) {
    for (const p of sk.lostUpdatePairs.items) {
      if (between(now, p.first, p.second)) race('lost-update', ms, key, false, now, [p.first, 'read'], [now, 'other-write'], [p.second, 'write']);
    }
  }
  if (sk.staleReadPairs !== null) {
    for (const p of sk.staleReadPairs.items) {
      if ((p.removalsOnly && !isRemoval(now.op)) || !between(now, p.first, p.second)) continue;
      const [firstRole, secondRole] = p.removalsOnly ? ['check', 'use'] : ['first', 'second'];
      race('stale-read', ms, key, false, now, [p.first, firstRole], [now, 'other-write'], [p.second, secondRole]);
    }
  }
}

/** strict: Go-style races, two accesses from concurrent segments, at least one a write. */
function plainRaces(ms: MapShadow, sk: ShadowKey, key: unknown, membership: boolean, role: 'read' | 'write'): void {
  if (sk.writes !== null) {
    for (const w of sk.writes.items) {
      if (concurrent(w.seg, now.seg)) {
        race(role === 'write' ? 'write-write' : 'read-write', ms, key, membership, now, [w, 'write'], [now, role]);
        break;
      }
    }
  }
  if (role === 'write' && sk.reads !== null) {
    for (const r of sk.reads.items) {
      if (concurrent(r.seg, now.seg)) {
        race('read-write', ms, key, membership, now, [r, 'read'], [now, 'write']);
        break;
      }
    }
  }
}

// --- membership and iteration ----------------------------------------------------------------------

export function membershipRead(ms: MapShadow, op: string, site: number): void {
  if (!config.strict) return;
  const m = ms.membership;
  if (m.lastReadSeg === current.ctx.seg) return;
  const seg = setNow(op, site);
  m.lastReadSeg = seg;
  plainRaces(ms, m, undefined, true, 'read');
  accessRingOf(m, 'reads').slot().copy(now);
}

export function membershipWrite(ms: MapShadow, op: string, site: number): void {
  const m = ms.membership;
  if (m.lastWriteSeg === current.ctx.seg) return;
  const seg = setNow(op, site);
  m.lastWriteSeg = seg;
  if (ms.iterations !== null) {
    for (const it of ms.iterations.items) {
      const step = concurrentStep(it, now);
      if (step !== null) race('iteration-during-mutation', ms, undefined, true, now, [step, 'iteration'], [now, 'mutation']);
    }
  }
  if (config.strict) plainRaces(ms, m, undefined, true, 'write');
  // Every mutation keeps its own slot: each one concurrent with an iteration is a race of its own.
  accessRingOf(m, 'writes').slot().copy(now);
}

function concurrentStep(it: Iteration, w: Access): Access | null {
  if (concurrent(it.start.seg, w.seg)) return it.start;
  for (const step of it.steps.items) if (concurrent(step.seg, w.seg)) return step;
  return null;
}

export function startIteration(ms: MapShadow, site: number): Iteration {
  membershipRead(ms, 'iterate', site);
  return new Iteration(currentSegment(), site, current.ctx.tok.act, 'iterate');
}

/** One step of an iteration; only iterations whose steps span segments can race. */
export function iterationStep(ms: MapShadow, it: Iteration): void {
  const seg = currentSegment();
  if (it.lastSeg === seg) return;
  it.lastSeg = seg;
  const step = it.steps.slot();
  step.set(seg, it.start.site, current.ctx.tok.act, 'iterate', config.fullStacks ? captureStack() : undefined);
  if (!it.spansSegments) {
    it.spansSegments = true;
    (ms.iterations ??= new Ring<Iteration>(() => it)).add(it);
  }
  const writes = ms.membership.writes;
  if (writes === null) return;
  for (const w of writes.items) {
    const s = concurrent(it.start.seg, w.seg) ? it.start : concurrent(step.seg, w.seg) ? step : null;
    if (s !== null) race('iteration-during-mutation', ms, undefined, true, step, [s, 'iteration'], [w, 'mutation']);
  }
}
