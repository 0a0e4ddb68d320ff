// mapsan's Vitest setup file, added first to `test.setupFiles` by the mapsan() plugin (vitest.ts).
// Vitest runs it in the worker before each test file. Like mapsan/jest it holds no detection state:
// the engine is the worker thread's one (runtime/main-realm.ts), loaded by Node, not by Vite.
//
// - Each test runs in a fresh activation owned by that test. Vitest >= 4.1 (and 5) has `aroundEach`:
//   the test's hooks and function run inside our call. Before 4.1 a `beforeEach` swaps the test's
//   function (`getFn`/`setFn` of vitest/suite, read by the runner after the beforeEach hooks) for
//   one that runs it owned.
// - The races a test owns fail it: thrown at the end of aroundEach, or by an `afterEach` registered
//   here first (Vitest runs afterEach hooks in reverse order, so it runs last).
// - Races of code outside any test (module load of the test file, beforeAll/afterAll, what a
//   finished test left behind) fail the file from an `afterAll`, which also runs last.
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import * as vitest from 'vitest';
import type { Owner } from '../runtime/runner.js';
import type { OwnedRace } from '../runtime/report/types.js';

type Fn = (...args: unknown[]) => unknown;
interface Task {
  name: string;
  suite?: Task & { suite?: Task };
  file?: { filepath?: string };
}
interface Context {
  task: Task;
}
type Hook = (fn: (...args: never[]) => unknown) => void;
interface VitestApi {
  aroundEach?: (fn: (runTest: () => Promise<void>, context: Context) => Promise<void>) => void;
  beforeEach: Hook;
  afterEach: Hook;
  afterAll: Hook;
  expect: { getState(): { testPath?: string } };
}
const api = vitest as unknown as VitestApi;

const nodeRequire = createRequire(import.meta.url);
const { runner } = (nodeRequire('../runtime/main-realm.js') as typeof import('../runtime/main-realm.js')).engine();

const testPath = api.expect.getState().testPath;
const fileLabel = `test file ${testPath === undefined ? '' : relative(process.cwd(), testPath)}`.trim();
const file = runner.openFile(fileLabel);
runner.enterOwned(file, fileLabel);

const owners = new WeakMap<Task, Owner>();

function fullName(task: Task): string {
  const names = [task.name];
  // The file is the root suite: its name is the path, not a describe.
  for (let s = task.suite; s !== undefined && s.suite !== undefined; s = s.suite) names.unshift(s.name);
  return names.join(' > ');
}

function ownerOf(task: Task): Owner {
  let owner = owners.get(task);
  if (owner === undefined) owners.set(task, (owner = runner.newTest(`test "${fullName(task)}"`, file)));
  owner.open = true;
  return owner;
}

/** One error for the races of one owner: the reports as its message, the accesses as its stack. */
function raceError(races: OwnedRace[]): Error {
  const message = races.map((r) => r.text).join('\n');
  const frames: string[] = [];
  const stacks: { method: string; file: string; line: number; column: number }[] = [];
  for (const a of races[0].accesses) {
    const frame = `    at ${a.fn} (${a.file}:${a.line}:${a.column})`;
    if (frames[frames.length - 1] === frame) continue;
    frames.push(frame);
    stacks.push({ method: a.fn, file: a.file, line: a.line, column: a.column });
  }
  const error = new Error(message);
  error.name = 'mapsan';
  error.stack = `mapsan: ${message}\n${frames.join('\n')}`;
  // Vitest maps stack frames through the test file's source map, taking them for generated
  // positions; these are original ones already. Parsed frames in `stacks` are used as they are.
  Object.defineProperty(error, 'stacks', {
    value: stacks,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return error;
}

function check(owner: Owner): void {
  owner.open = false;
  const races = owner.take();
  if (races.length > 0) throw raceError(races);
}

if (typeof api.aroundEach === 'function') {
  api.aroundEach(async (runTest, context) => {
    const owner = ownerOf(context.task);
    await runner.runOwned(owner, `test "${fullName(context.task)}"`, runTest, undefined, []);
    check(owner);
  });
} else {
  // vitest/suite is imported only here: Vitest 4.1 warns that it is deprecated, and 5 has no such
  // entry. Not a literal, so that Vite does not resolve it ahead (and fail on 5) where it is not run.
  const entry = ['vitest', 'suite'].join('/');
  const suite = (await import(/* @vite-ignore */ entry)) as { getFn(task: Task): Fn; setFn(task: Task, fn: Fn): void };
  const swapped = new WeakSet<Task>();
  api.beforeEach((context: Context) => {
    const task = context.task;
    const owner = ownerOf(task);
    if (swapped.has(task)) return; // a retry or repeat: already swapped
    swapped.add(task);
    const fn = suite.getFn(task);
    const kind = `test "${fullName(task)}"`;
    suite.setFn(task, function (this: unknown, ...args: unknown[]) {
      owner.open = true;
      return runner.runOwned(owner, kind, fn, this, args);
    });
  });
  api.afterEach((context: Context) => check(ownerOf(context.task)));
}

api.afterAll(() => {
  runner.closeFile(file);
  const races = file.take();
  if (races.length > 0) throw raceError(races);
});
