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
}

export interface AccessRef {
  op: string;
  role: string;
  site: number;
  activation: ActivationInfo;
  /** Stack captured at the access (stacks=full), or undefined. */
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
  /** In story order: lost-update = read, other-write, write. The last one is the access being made now. */
  accesses: AccessRef[];
}

// The JSON contract (`--json FILE`), kept stable; see README.
export interface JsonAccess {
  op: string;
  role: string;
  file: string;
  line: number;
  column: number;
  function: string;
  activation: { id: number; kind: string; origin: string; thread: number };
  stack?: string[];
}

export interface JsonRace {
  kind: RaceKind;
  key: string;
  map: { file: string; line: number; column: number } | null;
  accesses: JsonAccess[];
  count: number;
}
