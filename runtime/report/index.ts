// The reporter's API, called by the engine. The reporter itself (reporter.ts: formatting, colour,
// positions, deduplication, suppressions, a dozen modules) loads on the first race, or at exit when
// there is something to write: a run without races never loads it (7 ms of every start on Node 24).
// What must happen at start does: the options are checked on disk, suppressions parsed once.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { OptionsError, type Options } from '../options.js';
import { colourFromEnv } from './colour.js';
import { clearWorkerReports, hasWorkerReports } from './threads.js';
import type { Rule } from './suppressions.js';
import type { ActivationInfo, RaceFinding, RaceOwner } from './types.js';

export type { ActivationInfo, JsonRace, OwnedRace, RaceFinding, RaceOwner } from './types.js';

type Reporter = typeof import('./reporter.js');

let reporter: Reporter | null = null;
/** What the reporter is configured from, as it was at start, until the reporter loads: the program
 *  may change its directory or environment before the first race. */
let configured: { options: Options; cwd: string; envColour: boolean | null; rules: Rule[] } | null = null;
let exitHandlerInstalled = false;

function load(): Reporter {
  if (reporter === null) {
    reporter = require('./reporter.js') as Reporter;
    if (configured !== null) reporter.configureReports(configured.options, configured.cwd, configured.envColour, configured.rules);
  }
  return reporter;
}

/** Once per thread, at runtime start. Relative paths are taken from the directory at start. `rules`:
 *  the suppressions validateReportOptions returned; without them the file is read here, and one that
 *  cannot be is reported and ignored. */
export function configureReports(options: Options, rules = suppressionsOrNone(options)): void {
  configured = { options, cwd: process.cwd(), envColour: colourFromEnv(process.env), rules };
  // A folder left by an earlier process that had the same pid must not add its races to ours.
  if (isMainThread) clearWorkerReports(process.pid);
  if (reporter !== null) reporter.configureReports(options, configured.cwd, configured.envColour, configured.rules);
}

/** Called synchronously inside the Map operation that completed the race (its stack is taken there). */
export function reportRace(finding: RaceFinding): void {
  load().reportRace(finding);
}

/** At exit: summary, JSON file, and exit status `exitcode` when the program would have exited 0. */
export function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', (code) => {
    const json = configured !== null && configured.options.json !== '';
    if (reporter !== null || json || (isMainThread && hasWorkerReports(process.pid))) load().onExit(code);
  });
}

export function useTestRunnerMode(fallback: RaceOwner): void {
  load().useTestRunnerMode(fallback);
}

/** Distinct races reported by this thread so far (suppressed ones excluded). */
export function raceCount(): number {
  return reporter === null ? 0 : reporter.raceCount();
}

export function activationLabel(info: ActivationInfo): string {
  return load().activationLabel(info);
}

/**
 * Checks what can only be checked on disk, so that a mistake stops the run before the program
 * starts rather than at its end: the suppressions file exists and parses, the folders of json and
 * log_path exist. Returns the suppression rules. Throws an OptionsError whose message is the one
 * line to print (engine.ts prints it and exits 2).
 */
export function validateReportOptions(options: Options): Rule[] {
  for (const key of ['json', 'log_path'] as const) {
    if (options[key] === '') continue;
    const dir = dirname(resolve(options[key]));
    if (!isDirectory(dir)) throw new OptionsError(`mapsan: MAPSAN_OPTIONS: ${key}: folder '${dir}' does not exist`);
  }
  return suppressions(options);
}

function suppressions(options: Options): Rule[] {
  if (options.suppressions === '') return [];
  return (require('./suppressions.js') as typeof import('./suppressions.js')).loadSuppressions(resolve(options.suppressions));
}

function suppressionsOrNone(options: Options): Rule[] {
  try {
    return suppressions(options);
  } catch (e) {
    (require('./sink.js') as typeof import('./sink.js')).stderrSink().write(`${(e as Error).message} (suppressions ignored)\n`);
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
