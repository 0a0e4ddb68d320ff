// Test runners (mapsan/jest, mapsan/vitest): owners for tests and test files, and running a test's
// code in an activation of its own that the test owns. Part of the engine (one per thread); the
// glue in each test file's realm calls it through `engine.runner`.
//
// Attribution (race-model.md, activations): an activation inherits the owner of the activation
// current when it is created (context.ts), so everything a test's function starts (async calls,
// timers, intervals, listeners registered on the way) is the test's, and a race goes to the owner
// of the access that completed it (rules.ts → report/index.ts). The owners pass a race they can no
// longer take (their test has finished) to their parent: test → test file → whichever test file
// of this thread is open now → the report sink (stderr), as without a runner.
import { Activation, current, setToken, Token } from './context.js';
import { useTestRunnerMode } from './report/index.js';
import type { OwnedRace, RaceOwner } from './report/types.js';

export class Owner implements RaceOwner {
  private races: OwnedRace[] = [];
  /** Closed owners pass races on; an owner reopens when its test runs again (a retry). */
  open = true;
  constructor(
    /** `test "adds one"`, `test file test/counter.test.js`. */
    readonly label: string,
    readonly parent: RaceOwner | null,
    /** Races of a finished test taken by its file say so; a file's own leftovers need no note. */
    readonly isTest: boolean,
  ) {}
  taker(): RaceOwner | null {
    return this.open ? this : this.parent === null ? null : this.parent.taker();
  }
  accept(race: OwnedRace, owner: RaceOwner): void {
    if (owner !== this && owner instanceof Owner && owner.isTest) {
      race = { ...race, text: `This race was completed after ${owner.label} had finished.\n${race.text}` };
    }
    this.races.push(race);
  }
  /** The races taken since the last call. */
  take(): OwnedRace[] {
    return this.races.splice(0);
  }
}

// Test files open in this thread, latest last: Jest runs one file at a time per worker (and
// per process with --runInBand), Vitest one per worker.
const openFiles: Owner[] = [];

/** Takes the races of code begun outside every open test file (left over by a finished file, or
 *  older than the first one) for the file running now. */
const LATE: RaceOwner = {
  taker: () => (openFiles.length === 0 ? null : openFiles[openFiles.length - 1]),
  accept: () => {},
};

export function newTest(label: string, file: Owner): Owner {
  return new Owner(label, file, true);
}

/** Opens a test file: races of code outside its tests (module load, beforeAll/afterAll) come here. */
export function openFile(label: string): Owner {
  useTestRunnerMode(LATE);
  const file = new Owner(label, LATE, false);
  openFiles.push(file);
  return file;
}

export function closeFile(file: Owner): void {
  file.open = false;
  const i = openFiles.indexOf(file);
  if (i >= 0) openFiles.splice(i, 1);
}

/**
 * Calls `fn` in a fresh activation owned by `owner` (kind e.g. `test "adds one"`), returning what
 * it returns; the caller's activation is current again afterwards. Whatever `fn` starts before it
 * returns (the rest of an async function, promises, timers) keeps the new activation.
 */
export function runOwned<T>(owner: RaceOwner, kind: string, fn: (...args: unknown[]) => T, self: unknown, args: unknown[]): T {
  const prev = current.ctx.tok;
  const tok = new Token(new Activation(kind, -1, owner), prev);
  tok.sync = false; // not an async function's first part: an await inside never pops it
  setToken(tok);
  try {
    return Reflect.apply(fn, self, args);
  } finally {
    setToken(prev);
  }
}

/** Makes the rest of the running segment, and everything it schedules, a fresh activation of `owner`. */
export function enterOwned(owner: RaceOwner, kind: string): void {
  const tok = new Token(new Activation(kind, -1, owner), null);
  tok.sync = false;
  setToken(tok);
}
