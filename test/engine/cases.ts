// Fixed regression programs of the engine test, named the way Go's race tests are: `race-*` must be
// reported, `norace-*` must stay quiet. Each lists exactly the pairs the model names (checked against
// the oracle too, so a case cannot drift from race-model.md without failing).
import type { AccessOp, Key, Program, Step } from './model.js';

const access = (op: AccessOp) => (key: Key = 0): Step => ({ t: 'access', op, key });
export const get = access('get');
export const set = access('set');
export const has = access('has');
export const del = access('delete');
export const tick: Step = { t: 'await', kind: 'immediate' };
export const micro: Step = { t: 'await', kind: 'microtask' };
export const fork = (fn: number): Step => ({ t: 'fork', fn });
export const join = (fn: number): Step => ({ t: 'join', fn });
export const direct = (fn: number): Step => ({ t: 'direct', fn });
export const joinAll = (...fns: number[]): Step => ({ t: 'joinAll', fns });
export const iterate: Step = { t: 'iterate' };
const A = 0;
const B = 1;

export interface Case {
  name: string;
  program: Program;
  /** `kind first -> second`, as findingKey() prints them, sorted. */
  expect: string[];
  /** The engine's history_size for this case (default 64: no access ever dropped). */
  historySize?: number;
  /** Entries each iterate step visits in the run (`A[0]` -> 2), for checking the oracle alone. */
  entries?: Record<string, number>;
}

const bump = [get(), tick, set()];

export const CASES: Case[] = [
  {
    name: 'race-lost-update-promise-all',
    program: { initial: [0], fns: [bump, bump], main: [fork(A), fork(B), joinAll(A, B)] },
    expect: ['lost-update A[0] -> A[2]', 'lost-update B[0] -> B[2]'],
  },
  {
    name: 'race-lost-update-fork-join',
    program: { initial: [0], fns: [bump, bump], main: [fork(A), fork(B), join(A), join(B)] },
    expect: ['lost-update A[0] -> A[2]', 'lost-update B[0] -> B[2]'],
  },
  {
    name: 'race-lost-update-unjoined-fork',
    program: { initial: [0], fns: [[tick, set()], []], main: [get(), fork(A), micro, set()] },
    expect: ['lost-update main[0] -> main[3]'],
  },
  {
    // A awaited directly is main's activation: its pair is main's, B's write is concurrent with it.
    name: 'race-lost-update-awaited-directly-vs-fork',
    program: { initial: [0], fns: [bump, [tick, set()]], main: [fork(B), direct(A)] },
    expect: ['lost-update A[0] -> A[2]'],
  },
  {
    name: 'race-lost-update-delete-clobbers',
    program: { initial: [0], fns: [[has(), tick, del()], [micro, set()]], main: [fork(A), fork(B)] },
    expect: ['lost-update A[0] -> A[2]'],
  },
  {
    name: 'race-lost-update-across-keys-only-k1',
    program: { initial: [0, 1], fns: [[get(0), get(1), tick, set(0), set(1)], [tick, set(1)]], main: [fork(A), fork(B)] },
    expect: ['lost-update A[1] -> A[4]'],
  },
  {
    name: 'race-stale-read-has-get',
    program: { initial: [0], fns: [[has(), tick, get()], [micro, del()]], main: [fork(A), fork(B)] },
    expect: ['stale-read A[0] -> A[2]'],
  },
  {
    name: 'race-stale-read-delete-after-set-in-one-segment',
    program: { initial: [0], fns: [[has(), tick, get()], [tick, set(), del()]], main: [fork(B), fork(A)] },
    expect: ['stale-read A[0] -> A[2]'],
  },
  {
    name: 'norace-sequential-awaits',
    program: { initial: [0], fns: [bump, bump], main: [fork(A), join(A), fork(B), join(B)] },
    expect: [],
  },
  {
    name: 'norace-awaited-directly',
    program: { initial: [0], fns: [bump, bump], main: [direct(A), direct(B)] },
    expect: [],
  },
  {
    name: 'norace-read-modify-write-in-one-segment',
    program: { initial: [0], fns: [[get(), set(), tick], [get(), set(), tick]], main: [fork(A), fork(B), joinAll(A, B)] },
    expect: [],
  },
  {
    name: 'norace-blind-writes',
    program: { initial: [], fns: [[set(), tick, set()], [set(), micro, del()]], main: [fork(A), fork(B)] },
    expect: [],
  },
  {
    name: 'norace-reread-after-await',
    program: { initial: [0], fns: [[get(), tick, get(), set()], [tick, set()]], main: [fork(A), fork(B)] },
    expect: [],
  },
  {
    // The other write is ordered a1 -> w -> a2 (main waited for it): not a race.
    name: 'norace-write-ordered-between',
    program: { initial: [0], fns: [[], [tick, set()]], main: [get(), fork(B), join(B), set(), fork(A)] },
    expect: [],
  },
  {
    name: 'norace-write-in-the-read-segment',
    program: { initial: [0], fns: [[], [set()]], main: [get(), fork(B), tick, set(), fork(A)] },
    expect: [],
  },
  {
    name: 'norace-recheck-before-use',
    program: { initial: [0], fns: [[has(), tick, has(), get()], [micro, del()]], main: [fork(A), fork(B)] },
    expect: [],
  },
  {
    name: 'norace-stale-read-has-saw-nothing',
    program: { initial: [], fns: [[has(), tick, get()], [micro, del()]], main: [fork(A), fork(B)] },
    expect: [],
  },
  {
    // A write, then a read, in one segment: the read is the stale one, and nothing else writes.
    name: 'norace-write-then-read-in-one-segment',
    program: { initial: [], fns: [[], []], main: [set(), get(), tick, set(), fork(A), fork(B)] },
    expect: [],
  },
  {
    name: 'race-iteration-during-mutation',
    program: { initial: [0, 1], fns: [[iterate], [tick, del(0)]], main: [fork(A), fork(B)] },
    expect: ['iteration-during-mutation A[0] -> B[1]'],
    entries: { 'A[0]': 2 },
  },
  {
    name: 'race-iteration-during-mutation-awaited-directly',
    program: { initial: [0], fns: [[iterate], [micro, set(1)]], main: [fork(B), direct(A)] },
    expect: ['iteration-during-mutation A[0] -> B[1]'],
    entries: { 'A[0]': 2 },
  },
  {
    name: 'norace-iteration-in-one-segment',
    program: { initial: [], fns: [[iterate], [tick, set(0)]], main: [fork(A), fork(B)] },
    expect: [],
    entries: { 'A[0]': 0 },
  },
  {
    name: 'norace-mutation-after-joined-iteration',
    program: { initial: [0], fns: [[iterate], [set(1)]], main: [fork(A), join(A), fork(B)] },
    expect: [],
    entries: { 'A[0]': 1 },
  },
  {
    name: 'norace-mutation-before-iteration',
    program: { initial: [0], fns: [[del(0), set(1)], [iterate]], main: [fork(A), tick, fork(B)] },
    expect: [],
    entries: { 'B[0]': 1 },
  },
  // Promise.all over more than two inputs joins them in one merge (clock.ts joinAll).
  {
    name: 'norace-promise-all-of-three-then-read-modify-write',
    program: { initial: [0], fns: [[tick, set()], [tick, set()], [tick, set()]], main: [fork(A), fork(B), fork(2), joinAll(A, B, 2), get(), tick, set()] },
    expect: [],
  },
  {
    name: 'race-promise-all-of-two-of-three',
    program: { initial: [0], fns: [[tick, set()], [tick, set()], [tick, tick, set()]], main: [fork(A), fork(B), fork(2), joinAll(A, B), get(), tick, set()] },
    expect: ['lost-update main[4] -> main[6]'],
  },
  // History is bounded (the default: 8 writes per key), but a write that follows the key's latest
  // one along one chain takes its slot: C's ten sequential writes keep one, and A's write, the only
  // one that can land between main's read and write, is still remembered when main comes to them.
  {
    name: 'race-lost-update-write-remembered-past-a-run-of-sequential-writes',
    program: { initial: [0], fns: [[micro, set()], [], Array.from({ length: 10 }, () => [set(), micro]).flat()], main: [fork(A), fork(2), join(2), get(), tick, set()] },
    expect: ['lost-update main[3] -> main[5]'],
    historySize: 8,
  },
  // Found by the property test: main's set and C's delete, one after the other on one chain, are
  // two mutations concurrent with B's iteration, two races; the set must not give its slot to the
  // delete as a key's write would.
  {
    name: 'race-iteration-during-two-sequential-mutations',
    program: {
      initial: [],
      fns: [[], [get(), tick, set(), iterate], [del()]],
      main: [fork(B), fork(A), get(), micro, set(), joinAll(A), fork(2), join(2), get()],
    },
    expect: [
      'iteration-during-mutation B[3] -> C[0]',
      'iteration-during-mutation B[3] -> main[4]',
      'lost-update B[0] -> B[2]',
      'lost-update main[2] -> main[4]',
    ],
    entries: { 'B[3]': 1 },
  },
];
