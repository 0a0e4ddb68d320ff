// The reporter, loaded by report/index.ts on the first race or at an exit with something to say.
// Nothing may throw into the user's program.
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { isMainThread, threadId } from 'node:worker_threads';
import { DEFAULT_OPTIONS, type Options } from '../options.js';
import { describeActivation } from './activation.js';
import { colourFromEnv, colourful, plain, type Paint } from './colour.js';
import { RaceRegistry } from './dedup.js';
import { mergeRaces, toJson, writeJsonReport } from './format-json.js';
import { formatReport, formatSummary } from './format-text.js';
import { Paths } from './paths.js';
import { buildRecord, sitePosition, type RaceRecord } from './record.js';
import { fileSink, stderrSink, type Sink } from './sink.js';
import { captureStack, ownDirs } from './stack.js';
import { isSuppressed, type Rule } from './suppressions.js';
import { collectWorkerReports, publishWorkerReport, type ThreadReport } from './threads.js';
import type { ActivationInfo, RaceFinding, RaceOwner } from './types.js';

const OWN_DIRS = ownDirs(__dirname);

interface State {
  options: Options;
  paths: Paths;
  rules: Rule[];
  sink: Sink;
  paint: Paint;
  json: string;
}

let state: State | undefined;
let registry = new RaceRegistry();
let disabled = false;
// A report runs no user code by design; this guards against the engine calling back into us
// anyway (a Map touched while a report is built) rather than reporting half-built races.
let reporting = false;
let finished = false;

/** Once per thread. Relative paths are taken from `cwd`, and `envColour` is what the environment
 *  said of colour (colour.ts), both as they were at runtime start; `rules` are the suppressions,
 *  parsed by report/index.ts when it checked the options. */
export function configureReports(options: Options, cwd = process.cwd(), envColour = colourFromEnv(process.env), rules: Rule[] = []): void {
  if (disabled) return;
  try {
    const sink = options.log_path === '' ? stderrSink() : fileSink(resolve(cwd, options.log_path), process.pid);
    state = {
      options,
      paths: new Paths(cwd, options.strip_path_prefix),
      rules,
      sink,
      paint: !sink.isFile && (envColour ?? isatty(2)) ? colourful : plain,
      json: options.json === '' ? '' : resolve(cwd, options.json),
    };
    registry = new RaceRegistry();
    finished = false;
  } catch (e) {
    internalError(e);
  }
}

/** Called synchronously inside the Map operation that completed the race (its stack is taken here). */
export function reportRace(finding: RaceFinding): void {
  if (disabled || reporting) return;
  reporting = true;
  try {
    const identity = RaceRegistry.identity(finding);
    const owner = finding.owner ?? runnerFallback;
    if (owner !== null && reportOwned(finding, owner, identity)) return;
    if (registry.countRepeat(identity)) return;
    const s = current();
    const live = finding.accesses[finding.trigger];
    const record = buildRecord(finding, live?.stack === undefined ? captureStack() : undefined, OWN_DIRS);
    const subjects = record.accesses.map((a) => ({ file: a.site.file, fn: a.fn }));
    const suppressed = isSuppressed(s.rules, record.kind, subjects);
    registry.add(identity, record, suppressed);
    if (!isMainThread) publishWorkerReport(process.pid, threadId, threadReport(s));
    if (suppressed) return;
    s.sink.write(formatReport(record, s.paths, s.paint));
    if (s.options.halt_on_error) {
      finish();
      process.exit(s.options.exitcode);
    }
  } catch (e) {
    internalError(e);
  } finally {
    reporting = false;
  }
}

// --- test runners ---------------------------------------------------------------------------------
// Under mapsan/jest and mapsan/vitest every activation has an owner (a test, or a test file), and a
// race goes to the owner of the access that completed it, as text, to become that test's failure.
// One report per bug *per owner*: two tests that run into the same race both fail, whatever their
// order. Owned races are not counted for the exit status: the runner reports failures and decides
// how the process exits. A race whose owners are all closed (a timer a finished test file left
// behind) falls through to the sink, as without a runner.
// One report per bug per taker: keyed by the owner that finally takes the race, so that a race
// passed on to the running test file is not hidden by the same race seen under its first owner.
const seenByTaker = new WeakMap<RaceOwner, Set<string>>();

function reportOwned(finding: RaceFinding, owner: RaceOwner, identity: string): boolean {
  const taker = owner.taker();
  if (taker === null) return false;
  let seen = seenByTaker.get(taker);
  if (seen === undefined) seenByTaker.set(taker, (seen = new Set()));
  if (seen.has(identity)) return true;
  seen.add(identity);
  const s = current();
  const record = buildRecord(finding, undefined, OWN_DIRS);
  if (isSuppressed(s.rules, record.kind, record.accesses.map((a) => ({ file: a.site.file, fn: a.fn })))) return true;
  taker.accept(
    {
      kind: record.kind,
      text: plainText(record, s),
      accesses: record.accesses.map((a) => ({ file: a.site.file, line: a.site.line, column: a.site.column, fn: a.fn })),
    },
    owner,
  );
  return true;
}

let runnerMode = false;
let runnerFallback: RaceOwner | null = null;

/** A test runner reports races as test failures and decides the exit status: no summary at exit and
 *  no `exitcode`. Races of code no test owns (activations begun outside every test and test file)
 *  go to `fallback`; races nobody takes are still printed to the sink as they are found. */
export function useTestRunnerMode(fallback: RaceOwner): void {
  runnerMode = true;
  runnerFallback = fallback;
}

// Without frames: a test runner takes every line of a message that starts with `at ` for a stack
// frame and cuts the message there; the glue gives the failure a stack of the accesses instead.
function plainText(record: RaceRecord, s: State): string {
  return formatReport({ ...record, accesses: record.accesses.map((a) => ({ ...a, stack: undefined })) }, s.paths, plain);
}

/** Distinct races reported by this thread so far (suppressed ones excluded). */
export function raceCount(): number {
  return registry.reported;
}

/** `in async function bump started at src/x.ts:7:3`, `in worker 2 message handler`, ... */
export function activationLabel(info: ActivationInfo): string {
  const origin = sitePosition(info.originSite);
  return describeActivation(info, origin === null ? null : current().paths.text(origin));
}

/** At exit: summary, JSON file, and exit status `exitcode` when the program would have exited 0.
 *  Runs even after an internal error: the races counted so far still decide the exit status. */
export function onExit(code: number): void {
  try {
    if (runnerMode) return;
    const races = finish();
    if (races > 0 && code === 0 && !process.exitCode) process.exitCode = current().options.exitcode;
  } catch (e) {
    internalError(e);
  }
}

/** Writes the summary and the JSON file once; returns the number of races in the process. */
function finish(): number {
  if (finished) return 0;
  finished = true;
  const s = current();
  if (!isMainThread) {
    publishWorkerReport(process.pid, threadId, threadReport(s));
    return 0;
  }
  const own = threadReport(s);
  const workers = collectWorkerReports(process.pid);
  const races = mergeRaces([own.races, ...workers.map((w) => w.races)]);
  const suppressed = workers.reduce((n, w) => n + w.suppressed, own.suppressed);
  if (races.length > 0) s.sink.write(formatSummary(races, suppressed, s.paths));
  if (s.json !== '') {
    try {
      writeJsonReport(s.json, races);
    } catch (e) {
      stderrSink().write(`mapsan: cannot write the JSON report: ${(e as Error).message}\n`);
    }
  }
  return races.length;
}

function threadReport(s: State): ThreadReport {
  return { races: [...registry.races()].map(({ record, count }) => toJson(record, count, s.paths)), suppressed: registry.suppressed };
}

function current(): State {
  if (state === undefined) configureReports(DEFAULT_OPTIONS);
  return state!;
}

function internalError(e: unknown): void {
  if (disabled) return;
  disabled = true;
  try {
    stderrSink().write(`mapsan: internal error in reporting: ${e instanceof Error ? e.message : String(e)}\n`);
  } catch {
    // Nowhere left to say it.
  }
}
