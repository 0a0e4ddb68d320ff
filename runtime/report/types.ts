// What the engine hands to the reporter when it has found a race. Built only on detection.

export type RaceKind = 'lost-update' | 'iteration-during-mutation' | 'stale-read' | 'write-write' | 'read-write';

export interface ActivationInfo {
  id: number;
  /** e.g. 'main module', 'async function bump', 'request handler', 'timer', 'worker 2 message handler' */
  kind: string;
  /** Site id where the activation began, or -1. */
  originSite: number;
  /** Thread id the activation ran in (0 = main thread). */
  thread: number;
  /** The test (or test file) the activation belongs to when a test runner runs the code: set by
   *  mapsan/jest and mapsan/vitest, inherited by every activation created inside it. */
  owner?: RaceOwner | null;
}

/**
 * Whom a race is handed to instead of the report sink: the Jest and Vitest glue make one per test
 * and one per test file (runtime/runner.ts). Activations only carry owners along.
 */
export interface RaceOwner {
  /** Who takes this owner's races now: itself while its test runs, else another owner (its test
   *  file, the file running now), or null (reported as without a test runner). */
  taker(): RaceOwner | null;
  /** Called on a taker: keeps a race completed in the activations of `owner`. */
  accept(race: OwnedRace, owner: RaceOwner): void;
}

/** A race as an owner receives it: the crash-style text without stack frames, and the accesses'
 *  original positions in story order (the glue turns them into the failure's stack). */
export interface OwnedRace {
  kind: RaceKind;
  text: string;
  accesses: { file: string; line: number; column: number; fn: string }[];
}

export interface AccessRef {
  op: string;
  role: string;
  site: number;
  activation: ActivationInfo;
  /** Stack captured at the access by `captureStack()` (stacks=full), or undefined. Only strings from
   *  captureStack belong here: they hold generated positions, mapped to the source when reported. */
  stack?: string;
}

export interface RaceFinding {
  kind: RaceKind;
  /** The Map key (any value); rendered with util.inspect only when reported. */
  key: unknown;
  /** true when the race is on the Map's membership rather than one key. */
  membership: boolean;
  /** Site id where the Map was created, or -1. */
  mapSite: number;
  /** In story order: lost-update = read, other-write, write. */
  accesses: AccessRef[];
  /** Index in `accesses` of the access being made now, whose stack is the live one. */
  trigger: number;
  /** Owner of the activation that made the access completing the race (ActivationInfo.owner). */
  owner?: RaceOwner | null;
}

// The JSON contract (`--json FILE`), kept stable; see README. Every `file` is absolute (or has
// strip_path_prefix removed), every `column` 1-based as in stack frames and editors, every position
// in the source the user wrote.
export interface JsonAccess {
  op: string;
  role: string;
  file: string;
  line: number;
  column: number;
  function: string;
  /** `origin` is `file:line:column` where the activation began, or '' when unknown. */
  activation: { id: number; kind: string; origin: string; thread: number };
  /** Frames as `fn (file:line:column)`, innermost first; only where a stack was captured. */
  stack?: string[];
}

export interface JsonRace {
  kind: RaceKind;
  /** The key as util.inspect shows it (at most 80 characters); '' for a membership race. */
  key: string;
  /** true when the race is on which keys the Map holds, not on one key. */
  membership: boolean;
  map: { file: string; line: number; column: number } | null;
  /** In story order, as in the text report. */
  accesses: JsonAccess[];
  /** How many times this race (same kind, same sites) was seen: other keys, other requests. */
  count: number;
}

export interface JsonReport {
  races: JsonRace[];
}
