// mapsan/jest: `setupFilesAfterEnv: ['mapsan/jest']` (Jest 29 and 30, jest-circus, the default
// runner). With `plugins: ['mapsan/babel']` in babel.config.js that is all: a race found while a
// test runs fails that test, with the crash-style report as its message; a race outside any test
// (the test file's module load, beforeAll/afterAll) fails the test file.
//
// This file runs inside each test file's `vm` context (Jest evaluates setup files there, once per
// test file). It holds no detection state of its own: the engine is the thread's one
// (runtime/main-realm.ts), and this file only tells it who owns what.
//
// - Attribution: a root `beforeAll` (registered first, so it runs before any other hook) walks the
//   collected tests and hooks and wraps each function so that it runs in a fresh activation owned
//   by its test (`engine.runner.runOwned`). Wrapping the collected tree, rather than the global
//   `test`, covers `test.each`, `.only`, `.concurrent` (Jest 29 starts those right after the root
//   beforeAll hooks) and nested `describe`s alike. The tree comes from jest-circus's state, which it
//   keeps on the test file's global under a symbol described `JEST_STATE_SYMBOL` (Jest 29 and 30).
// - Reporting: a root `afterEach`, moved behind the test file's own hooks, throws the races the test
//   owns: jest-circus adds an error thrown by an afterEach hook to the test's errors. Concurrent
//   tests get no *Each hooks: their function's promise is checked when it settles. A root
//   `afterAll`, moved last too, throws the races owned by the file; circus reports afterAll errors
//   as the file's failure.
// - Exit status: under a runner the engine neither prints a summary nor sets exit status 66 at
//   exit (report/index.ts `useTestRunnerMode`): Jest's result is the verdict. A race left over by a
//   finished test file lands on the file running next in the same worker, or on stderr.
import { relative } from 'node:path';
import { engine } from '../runtime/main-realm.js';
import type { Owner } from '../runtime/runner.js';
import type { OwnedRace } from '../runtime/report/types.js';

type Fn = (...args: unknown[]) => unknown;

// The parts of jest-circus's state this file reads (identical in 29.7 and 30.x).
interface CircusHook {
  fn: Fn;
  type: 'beforeAll' | 'beforeEach' | 'afterAll' | 'afterEach';
}
interface CircusTest {
  type: 'test';
  name: string;
  fn?: Fn;
  concurrent?: boolean;
  parent: CircusBlock;
}
interface CircusBlock {
  type: 'describeBlock';
  name: string;
  parent?: CircusBlock;
  children: (CircusBlock | CircusTest)[];
  hooks: CircusHook[];
}
interface CircusState {
  rootDescribeBlock: CircusBlock;
  currentlyRunningTest: CircusTest | null;
}

type HookRegistrar = (fn: Fn, timeout?: number) => void;
interface JestGlobals {
  beforeAll: HookRegistrar;
  afterEach: HookRegistrar;
  afterAll: HookRegistrar;
  expect?: { getState?: () => { testPath?: string } };
}

const g = globalThis as unknown as JestGlobals & Record<symbol, unknown>;
const { runner } = engine();

function circusState(): CircusState | undefined {
  for (const sym of Object.getOwnPropertySymbols(g)) {
    if (sym.description === 'JEST_STATE_SYMBOL') return g[sym] as CircusState;
  }
  return undefined;
}

if (typeof g.beforeAll !== 'function' || typeof g.afterEach !== 'function' || typeof g.afterAll !== 'function') {
  throw new Error("mapsan/jest: Jest's globals (beforeAll, afterEach, afterAll) are missing: list mapsan/jest in setupFilesAfterEnv, not setupFiles, and keep injectGlobals on");
}

const testPath = g.expect?.getState?.().testPath;
const fileLabel = `test file ${testPath === undefined ? '' : relative(process.cwd(), testPath)}`.trim();
const file = runner.openFile(fileLabel);
// The test file's module load, right after the setup files, and everything Jest goes on to run for
// this file (hooks, tests) start out as the file's.
runner.enterOwned(file, fileLabel);

const state = circusState();
const owners = new WeakMap<CircusTest, Owner>();
const wrapped = new WeakSet<Fn>();

function fullName(test: CircusTest): string {
  const names = [test.name];
  for (let b: CircusBlock | undefined = test.parent; b !== undefined && b.parent !== undefined; b = b.parent) names.unshift(b.name);
  return names.join(' › ');
}

function ownerOf(test: CircusTest): Owner {
  let owner = owners.get(test);
  if (owner === undefined) owners.set(test, (owner = runner.newTest(`test "${fullName(test)}"`, file)));
  return owner;
}

/** The owner for code running now: the running test (reopened: it may be a retry), else the file. */
function runningOwner(): Owner {
  const test = state?.currentlyRunningTest;
  if (test == null) return file;
  const owner = ownerOf(test);
  owner.open = true;
  return owner;
}

const isGenerator = (fn: Fn): boolean => Object.prototype.toString.call(fn) === '[object GeneratorFunction]';

/** `fn` run in a fresh activation of `owner()`; same `length`, so circus still sees a `done` parameter. */
function wrap(fn: Fn | undefined, owner: () => Owner, kind: string): Fn | undefined {
  if (typeof fn !== 'function' || wrapped.has(fn) || isGenerator(fn)) return fn;
  const w = function (this: unknown, ...args: unknown[]): unknown {
    return runner.runOwned(owner(), kind, fn, this, args);
  };
  Object.defineProperty(w, 'length', { value: fn.length });
  wrapped.add(w);
  return w;
}

function wrapTree(block: CircusBlock): void {
  for (const hook of block.hooks) {
    const each = hook.type === 'beforeEach' || hook.type === 'afterEach';
    hook.fn = wrap(hook.fn, each ? runningOwner : () => file, `${hook.type} hook`)!;
  }
  for (const child of block.children) {
    if (child.type === 'describeBlock') wrapTree(child);
    else if (child.type === 'test') {
      const owner = ownerOf(child);
      const fn = wrap(child.fn, () => ((owner.open = true), owner), `test "${fullName(child)}"`);
      child.fn = child.concurrent && fn !== undefined ? checkedAtEnd(fn, owner) : fn;
    }
  }
}

/** Moves our own hook of `type` behind the test file's root hooks of that type. */
function moveLast(block: CircusBlock, fn: Fn): void {
  const i = block.hooks.findIndex((h) => h.fn === fn);
  if (i >= 0) block.hooks.push(...block.hooks.splice(i, 1));
}

/** One error for the races of one owner: the reports as its message, the accesses as its stack,
 *  so that Jest's code frame shows the first access of the first race. */
function raceError(races: OwnedRace[]): Error {
  const message = races.map((r) => r.text).join('\n');
  const frames: string[] = [];
  for (const a of races[0].accesses) {
    const frame = `    at ${a.fn} (${a.file}:${a.line}:${a.column})`;
    if (frames[frames.length - 1] !== frame) frames.push(frame);
  }
  const error = new Error(message);
  error.name = 'mapsan';
  error.stack = `${message}\n${frames.join('\n')}`;
  return error;
}

/**
 * jest-circus runs no *Each hooks for `test.concurrent` tests (29 and 30), so their races are
 * checked when their function's promise settles. When the test fails anyway, its own error stays
 * the test's, and its races go to the file.
 */
function checkedAtEnd(fn: Fn, owner: Owner): Fn {
  const w = function (this: unknown, ...args: unknown[]): unknown {
    const settle = (): OwnedRace[] => {
      owner.open = false;
      return owner.take();
    };
    let result: unknown;
    try {
      result = Reflect.apply(fn, this, args);
    } catch (error) {
      for (const race of settle()) file.accept(race, file);
      throw error;
    }
    return Promise.resolve(result).then(
      (value) => {
        const races = settle();
        if (races.length > 0) throw raceError(races);
        return value;
      },
      (error: unknown) => {
        for (const race of settle()) file.accept({ ...race, text: `Race in ${owner.label}, which failed:\n${race.text}` }, file);
        throw error;
      },
    );
  };
  Object.defineProperty(w, 'length', { value: fn.length });
  wrapped.add(w);
  return w;
}

function checkTest(): void {
  const test = state?.currentlyRunningTest;
  if (test == null) return;
  const owner = owners.get(test);
  if (owner === undefined) return;
  owner.open = false;
  const races = owner.take();
  if (races.length > 0) throw raceError(races);
}

function checkFile(): void {
  runner.closeFile(file);
  const races = file.take();
  if (races.length > 0) throw raceError(races);
}
wrapped.add(checkTest).add(checkFile);

function install(): void {
  if (state === undefined) return; // not jest-circus: races go to the file and fail it at the end
  const root = state.rootDescribeBlock;
  moveLast(root, checkTest);
  moveLast(root, checkFile);
  wrapTree(root);
}
wrapped.add(install);

g.beforeAll(install);
g.afterEach(checkTest);
g.afterAll(checkFile);
