// The tiny program model of the engine's property test: one Map, 1-2 keys, a main activation and 2-3
// async functions that main calls exactly once each (forked, optionally joined later, or awaited
// directly). Steps are Map accesses and awaits; every await ends a segment.
import fc from 'fast-check';

export type Key = 0 | 1;
export type AccessOp = 'get' | 'set' | 'has' | 'delete';
export type AwaitKind = 'immediate' | 'microtask';

export type Step =
  | { t: 'access'; op: AccessOp; key: Key }
  | { t: 'await'; kind: AwaitKind }
  | { t: 'iterate' } // `for (const e of m) await tick;`: its steps span one segment per entry, plus one
  | { t: 'fork'; fn: number } // main only: `const p = f();`
  | { t: 'join'; fn: number } // main only: `await p;`
  | { t: 'direct'; fn: number } // main only: `await f();` (f joins main's activation)
  | { t: 'joinAll'; fns: number[] }; // main only: `await Promise.all([p, q]);`

export interface Program {
  /** Which keys the Map holds before the program runs. */
  initial: Key[];
  main: Step[];
  /** The async functions, named A, B, C. */
  fns: Step[][];
}

export const FN_NAMES = ['A', 'B', 'C'];
export const isRead = (op: AccessOp): boolean => op === 'get' || op === 'has';
export const isWrite = (op: AccessOp): boolean => op === 'set' || op === 'delete';

/** A step's identity: which body ('main' or a function name) and its index there. */
export interface StepRef {
  body: string;
  index: number;
}
export const refText = (r: StepRef): string => `${r.body}[${r.index}]`;

export function stepText(s: Step): string {
  switch (s.t) {
    case 'access':
      return `${s.op} k${s.key}`;
    case 'await':
      return `await ${s.kind}`;
    case 'iterate':
      return 'iterate (await in body)';
    case 'fork':
      return `fork ${FN_NAMES[s.fn]}`;
    case 'join':
      return `join ${FN_NAMES[s.fn]}`;
    case 'direct':
      return `await-direct ${FN_NAMES[s.fn]}`;
    case 'joinAll':
      return `join-all ${s.fns.map((f) => FN_NAMES[f]).join(' ')}`;
  }
}

/** Readable listing, one body per line: `main: fork A; get k0; ...`. Step indexes are positional. */
export function programText(p: Program): string {
  const body = (name: string, steps: Step[]) =>
    `  ${name}: ${steps.length === 0 ? '(empty)' : steps.map((s, i) => `[${i}] ${stepText(s)}`).join('; ')}`;
  return [
    `  initial keys: {${p.initial.map((k) => `k${k}`).join(', ')}}`,
    body('main', p.main),
    ...p.fns.map((steps, i) => body(FN_NAMES[i], steps)),
  ].join('\n');
}

// --- fast-check arbitraries ---------------------------------------------------------------------

export interface Options {
  /** Access ops generated (lost-update only: get/set; add has/delete for stale-read). */
  ops: AccessOp[];
  awaitKinds: AwaitKind[];
  /** Generate `iterate` steps (iteration-during-mutation). */
  iterate: boolean;
}

export const DEFAULT_OPTIONS: Options = {
  ops: ['get', 'set', 'has', 'delete'],
  awaitKinds: ['immediate', 'microtask'],
  iterate: true,
};

function simpleStep(nKeys: number, o: Options): fc.Arbitrary<Step> {
  const access = fc.record({
    t: fc.constant('access' as const),
    op: fc.constantFrom(...o.ops),
    key: fc.integer({ min: 0, max: nKeys - 1 }) as fc.Arbitrary<Key>,
  });
  const wait = fc.record({ t: fc.constant('await' as const), kind: fc.constantFrom(...o.awaitKinds) });
  const iterate = fc.constant<Step>({ t: 'iterate' });
  return fc.oneof(
    { arbitrary: access, weight: 6 },
    { arbitrary: wait, weight: 4 },
    ...(o.iterate ? [{ arbitrary: iterate, weight: 1 }] : []),
  );
}

/**
 * A body: a few snippets, each a single random step or one of the shapes the rules are about (read,
 * await, write; has, await, get), so that racy programs are common rather than rare.
 */
function bodyArb(nKeys: number, o: Options, maxSnippets: number): fc.Arbitrary<Step[]> {
  const key = fc.integer({ min: 0, max: nKeys - 1 }) as fc.Arbitrary<Key>;
  const kind = fc.constantFrom(...o.awaitKinds);
  const reads = o.ops.filter(isRead);
  const writes = o.ops.filter(isWrite);
  const shape = fc
    .record({ key, kind, read: fc.constantFrom(...reads), write: fc.constantFrom(...writes), useGet: fc.boolean() })
    .map(({ key, kind, read, write, useGet }): Step[] => {
      const second: AccessOp = o.ops.includes('has') && read === 'has' && useGet ? 'get' : write;
      return [
        { t: 'access', op: read, key },
        { t: 'await', kind },
        { t: 'access', op: second, key },
      ];
    });
  const snippet = fc.oneof(
    { arbitrary: simpleStep(nKeys, o).map((s) => [s]), weight: 3 },
    { arbitrary: shape, weight: 2 },
  );
  return fc.array(snippet, { maxLength: maxSnippets }).map((xs) => xs.flat());
}

export type CallMode = 'fork' | 'fork-join' | 'fork-all' | 'direct';

/**
 * Puts one call of each function into main's own steps, each join after its fork, and one
 * `Promise.all` join of every 'fork-all' function after the last of their forks.
 */
export function assemble(base: Step[], calls: { mode: CallMode; at: number; joinAt: number }[], allAt = 0): Step[] {
  const main = base.slice();
  calls.forEach((c, fn) => {
    const at = c.at % (main.length + 1);
    main.splice(at, 0, c.mode === 'direct' ? { t: 'direct', fn } : { t: 'fork', fn });
    if (c.mode === 'fork-join') {
      const room = main.length - at; // positions after the fork: at+1 .. main.length
      main.splice(at + 1 + (c.joinAt % room), 0, { t: 'join', fn });
    }
  });
  const all = calls.flatMap((c, fn) => (c.mode === 'fork-all' ? [fn] : []));
  if (all.length > 0) {
    const last = Math.max(...main.map((s, i) => (s.t === 'fork' && all.includes(s.fn) ? i : -1)));
    main.splice(last + 1 + (allAt % (main.length - last)), 0, { t: 'joinAll', fns: all });
  }
  return main;
}

export function programArb(o: Options = DEFAULT_OPTIONS): fc.Arbitrary<Program> {
  const nKeysArb = fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.constant(2), weight: 1 });
  return nKeysArb.chain((nKeys) =>
    fc
      .record({
        initial: fc.subarray(nKeys === 1 ? [0 as Key] : [0 as Key, 1 as Key]),
        base: bodyArb(nKeys, o, 3),
        fns: fc.array(
          fc.record({
            steps: bodyArb(nKeys, o, 3),
            mode: fc.constantFrom<CallMode>('fork-join', 'fork', 'direct', 'fork-all'),
            at: fc.nat({ max: 20 }),
            joinAt: fc.nat({ max: 20 }),
          }),
          { minLength: 2, maxLength: 3 },
        ),
        allAt: fc.nat({ max: 20 }),
      })
      .map(({ initial, base, fns, allAt }) => ({
        initial,
        main: assemble(base, fns, allAt),
        fns: fns.map((f) => f.steps),
      })),
  );
}
