// Brute-force oracle for ../../../shared/race-model.md on the tiny programs of model.ts.
//
// 1. Segments: main's first part is one segment; every await ends the current segment and starts a
//    new one (an iteration whose loop body awaits: one await per entry visited, as observed); the
//    first part of a called async function (up to its first await) runs in its caller's segment. Timer callbacks and promise settlements touch no Map: they only carry edges.
// 2. Happens-before edges of the model: program order across each await (the segment that awaits
//    schedules its continuation; the timer callback that resolves in between adds nothing more), the
//    settling segment of a function's promise (its last segment) -> the continuation of main's
//    `await` on it (join, await-direct). Forks need no edge of their own: the callee's first part is
//    in the caller's segment. Then the transitive closure.
// 3. Every linearization of the segments holding accesses that happens-before allows is enumerated;
//    a pattern is expected iff some breaking write lands strictly between its two segments in some
//    linearization and outside them in another: whether the update is lost depends on the
//    interleaving. (That is the model's "w ∥ a1 or w ∥ a2"; a write that lands in between in every
//    linearization is ordered a1 -> w -> a2 and is not a race.)
import { AccessOp, FN_NAMES, isRead, isWrite, Key, Program, Step, StepRef } from './model.js';

/** What the run observed, where the model depends on values: the rules speak of a `has` that saw the
 *  key, of a `set`/`delete` that changed which keys are present, and an iteration spans one segment
 *  per entry it visited. */
export interface Observed {
  has(ref: StepRef): boolean;
  /** A `set` of an absent key or a `delete` of a present one. */
  membership(ref: StepRef): boolean;
  /** Entries an `iterate` step visited (each one awaits in the loop body). */
  entries(ref: StepRef): number;
}

export interface Access {
  ref: StepRef;
  /** 'iterate': one step (a `next()`) of an iteration, in each segment its steps run in. */
  op: AccessOp | 'iterate';
  key: Key;
  /** The activation that owns it: 'main', or the function name for a forked function. */
  act: string;
  seg: number;
}

export interface Segments {
  count: number;
  /** hb[a][b]: a happens before b (transitively closed, irreflexive). */
  hb: boolean[][];
  /** Accesses in execution order inside each segment, segments in creation order. */
  accesses: Access[];
  /** Which segment each activation's await continuation or first part started, for the listing. */
  owner: string[];
}

export function buildSegments(p: Program, obs: Pick<Observed, 'entries'>): Segments {
  const edges: [number, number][] = [];
  const owner: string[] = [];
  const accesses: Access[] = [];
  const newSeg = (who: string) => owner.push(who) - 1;
  const settle = new Map<number, number>();

  const run = (body: string, steps: Step[], act: string, start: number): number => {
    let cur = start;
    steps.forEach((s, index) => {
      const ref = { body, index };
      switch (s.t) {
        case 'access':
          accesses.push({ ref, op: s.op, key: s.key, act, seg: cur });
          break;
        case 'await': {
          const next = newSeg(body);
          edges.push([cur, next]);
          cur = next;
          break;
        }
        case 'iterate': {
          // next() runs before the first entry, then after each entry's await; the last one ends it.
          accesses.push({ ref, op: 'iterate', key: 0, act, seg: cur });
          for (let e = obs.entries(ref); e > 0; e--) {
            const next = newSeg(body);
            edges.push([cur, next]);
            cur = next;
            accesses.push({ ref, op: 'iterate', key: 0, act, seg: cur });
          }
          break;
        }
        case 'fork':
          settle.set(s.fn, run(FN_NAMES[s.fn], p.fns[s.fn], FN_NAMES[s.fn], cur));
          break;
        case 'join': {
          const next = newSeg(body);
          edges.push([cur, next], [settle.get(s.fn)!, next]);
          cur = next;
          break;
        }
        case 'joinAll': {
          const next = newSeg(body);
          edges.push([cur, next], ...s.fns.map((fn): [number, number] => [settle.get(fn)!, next]));
          cur = next;
          break;
        }
        case 'direct': {
          const last = run(FN_NAMES[s.fn], p.fns[s.fn], act, cur);
          const next = newSeg(body);
          edges.push([cur, next], [last, next]);
          cur = next;
          break;
        }
      }
    });
    return cur;
  };
  run('main', p.main, 'main', newSeg('main'));

  const n = owner.length;
  const hb = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (const [a, b] of edges) if (a !== b) hb[a][b] = true;
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) if (hb[i][k]) for (let j = 0; j < n; j++) if (hb[k][j]) hb[i][j] = true;
  return { count: n, hb, accesses, owner };
}

/** Segments that hold at least one access: the only ones a linearization needs to order. */
function accessSegments(s: Segments): number[] {
  return [...new Set(s.accesses.map((a) => a.seg))].sort((a, b) => a - b);
}

/** Number of linearizations of the access segments (dynamic programming over downsets). */
export function countLinearizations(s: Segments): number {
  const nodes = accessSegments(s);
  const m = nodes.length;
  const preds = nodes.map((b) => nodes.reduce((mask, a, i) => (s.hb[a][b] ? mask | (1 << i) : mask), 0));
  const memo = new Map<number, number>();
  const count = (placed: number): number => {
    if (placed === (1 << m) - 1) return 1;
    let c = memo.get(placed);
    if (c !== undefined) return c;
    c = 0;
    for (let i = 0; i < m; i++) if (!(placed & (1 << i)) && (preds[i] & placed) === preds[i]) c += count(placed | (1 << i));
    memo.set(placed, c);
    return c;
  };
  return count(0);
}

/** Calls `visit` with the position of every access segment, once per linearization. */
export function forEachLinearization(s: Segments, visit: (pos: Int32Array) => void): number {
  const nodes = accessSegments(s);
  const m = nodes.length;
  const preds = nodes.map((b) => nodes.reduce((mask, a, i) => (s.hb[a][b] ? mask | (1 << i) : mask), 0));
  const pos = new Int32Array(s.count).fill(-1);
  let total = 0;
  const go = (placed: number, depth: number): void => {
    if (depth === m) {
      total++;
      visit(pos);
      return;
    }
    for (let i = 0; i < m; i++) {
      if (placed & (1 << i) || (preds[i] & placed) !== preds[i]) continue;
      pos[nodes[i]] = depth;
      go(placed | (1 << i), depth + 1);
      pos[nodes[i]] = -1;
    }
  };
  go(0, 0);
  return total;
}

export type Kind = 'lost-update' | 'stale-read' | 'iteration-during-mutation';

/** One expected or reported race, as the pair of the activation's accesses the model names. */
export interface Finding {
  kind: Kind;
  first: StepRef; // lost-update: the stale read a1; stale-read: the has (check); iteration: the iterate step
  second: StepRef; // lost-update: the clobbering write a2; stale-read: the get (use); iteration: the mutation
}

export const findingKey = (f: Finding): string => `${f.kind} ${f.first.body}[${f.first.index}] -> ${f.second.body}[${f.second.index}]`;

interface Candidate {
  finding: Finding;
  s1: number;
  s2: number;
  /** Segments of the writes that would break it. */
  breakers: number[];
}

/** An iteration spanning segments, and a segment that changes which keys are present. */
interface IterationCandidate {
  finding: Finding;
  steps: number[];
  mutation: number;
}

/**
 * The races the model names for this program, given what the run observed where the model depends on
 * values (see Observed); everything else is static.
 */
export function expectedRaces(p: Program, obs: Observed, kinds: Kind[] = ['lost-update', 'stale-read', 'iteration-during-mutation']): Finding[] {
  const s = buildSegments(p, obs);
  const candidates: Candidate[] = [];
  const acts = [...new Set(s.accesses.map((a) => a.act))];
  for (const act of acts) {
    for (const key of [0, 1] as Key[]) {
      // The activation's accesses to the key in its own (total) order, grouped by segment.
      const groups: Access[][] = [];
      for (const a of s.accesses) {
        if (a.act !== act || a.key !== key || a.op === 'iterate') continue;
        const g = groups[groups.length - 1];
        if (g !== undefined && g[0].seg === a.seg) g.push(a);
        else groups.push([a]);
      }
      for (let i = 1; i < groups.length; i++) {
        const prev = groups[i - 1];
        const cur = groups[i];
        const s1 = prev[0].seg;
        const s2 = cur[0].seg;
        if (!s.hb[s1][s2]) throw new Error(`oracle: an activation's segments ${s1}, ${s2} are not ordered`);
        const a2 = cur[0];
        // lost-update: a2 writes first in s2, a1 is the last read in s1 (if s1 holds a read).
        const reads = prev.filter((a) => a.op !== 'iterate' && isRead(a.op));
        if (kinds.includes('lost-update') && a2.op !== 'iterate' && isWrite(a2.op) && reads.length > 0) {
          candidates.push({
            finding: { kind: 'lost-update', first: reads[reads.length - 1].ref, second: a2.ref },
            s1,
            s2,
            breakers: s.accesses.filter((w) => w.key === key && w.op !== 'iterate' && isWrite(w.op)).map((w) => w.seg),
          });
        }
        // stale-read (check-then-use): s1 ends with a has that saw the key, s2 starts with a get.
        const last = prev[prev.length - 1];
        if (kinds.includes('stale-read') && last.op === 'has' && obs.has(last.ref) && a2.op === 'get') {
          candidates.push({
            finding: { kind: 'stale-read', first: last.ref, second: a2.ref },
            s1,
            s2,
            breakers: s.accesses.filter((w) => w.key === key && w.op === 'delete').map((w) => w.seg),
          });
        }
      }
    }
  }
  // iteration-during-mutation: an iteration whose steps span segments, and a membership write
  // concurrent with one of its steps. Named by the first membership write of the mutating segment:
  // segments are the unit of happens-before, and the engine remembers one write per segment.
  const iterations: IterationCandidate[] = [];
  if (kinds.includes('iteration-during-mutation')) {
    const mutations = new Map<number, Access>();
    for (const a of s.accesses) {
      if ((a.op === 'set' || a.op === 'delete') && obs.membership(a.ref) && !mutations.has(a.seg)) mutations.set(a.seg, a);
    }
    const byStep = new Map<string, { ref: StepRef; segs: number[] }>();
    for (const a of s.accesses) {
      if (a.op !== 'iterate') continue;
      const k = `${a.ref.body}[${a.ref.index}]`;
      if (!byStep.has(k)) byStep.set(k, { ref: a.ref, segs: [] });
      byStep.get(k)!.segs.push(a.seg);
    }
    for (const { ref, segs } of byStep.values()) {
      if (segs.length < 2) continue; // finished inside one segment: atomic
      for (const [seg, w] of mutations) iterations.push({ finding: { kind: 'iteration-during-mutation', first: ref, second: w.ref }, steps: segs, mutation: seg });
    }
  }
  if (candidates.length === 0 && iterations.length === 0) return [];
  // For each (candidate, breaker): seen strictly between in some linearization (bit 1), and seen
  // outside in some other (bit 2). Only a write whose place depends on the interleaving is a race: a
  // write that every linearization puts in between is ordered a1 -> w -> a2 (race-model.md: "a helper
  // that A awaited ... is not a race"), one that none does is ordered with both.
  const seen = candidates.map((c) => new Uint8Array(c.breakers.length));
  // For each (iteration, mutation, step): the mutation ran before the step (bit 1), after it (bit 2).
  const order = iterations.map((c) => new Uint8Array(c.steps.length));
  forEachLinearization(s, (pos) => {
    candidates.forEach((c, i) => {
      c.breakers.forEach((w, j) => {
        seen[i][j] |= pos[c.s1] < pos[w] && pos[w] < pos[c.s2] ? 1 : 2;
      });
    });
    iterations.forEach((c, i) => {
      c.steps.forEach((t, j) => {
        if (t !== c.mutation) order[i][j] |= pos[c.mutation] < pos[t] ? 1 : 2;
      });
    });
  });
  return [
    ...candidates.filter((_, i) => seen[i].some((bits) => bits === 3)).map((c) => c.finding),
    ...iterations.filter((_, i) => order[i].some((bits) => bits === 3)).map((c) => c.finding),
  ];
}

/** The segment listing of a program, for failure messages. */
export function segmentsText(p: Program, obs: Pick<Observed, 'entries'>): string {
  const s = buildSegments(p, obs);
  const lines: string[] = [];
  for (let i = 0; i < s.count; i++) {
    const here = s.accesses.filter((a) => a.seg === i);
    const before = [];
    for (let j = 0; j < s.count; j++) if (s.hb[j][i]) before.push(j);
    lines.push(
      `  s${i} (${s.owner[i]}): ${here.map((a) => `${a.ref.body}[${a.ref.index}] ${a.op === 'iterate' ? 'iterate' : `${a.op} k${a.key}`} by ${a.act}`).join(', ') || '-'}` +
        `   after {${before.map((j) => `s${j}`).join(', ')}}`,
    );
  }
  return lines.join('\n');
}
