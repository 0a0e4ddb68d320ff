// A race as reported: every site id resolved to an original position, stacks mapped, the key
// rendered. Built once, on a race's first sighting; text and JSON are both rendered from it.
import { inspect } from 'node:util';
import { siteOf } from '../sites.js';
import type { Position } from './paths.js';
import { userFrames, type Frame } from './stack.js';
import type { ActivationInfo, RaceFinding, RaceKind } from './types.js';

export interface AccessRecord {
  op: string;
  role: string;
  site: Position;
  fn: string;
  activation: ActivationInfo & { origin: Position | null };
  stack?: Frame[];
}

export interface RaceRecord {
  kind: RaceKind;
  /** '' for a membership race. */
  key: string;
  membership: boolean;
  map: Position | null;
  accesses: AccessRecord[];
}

const KEY_WIDTH = 80;

/** `currentStack` belongs to the access being made while the race is reported (`finding.trigger`). */
export function buildRecord(finding: RaceFinding, currentStack: string | undefined, ownDirs: readonly string[]): RaceRecord {
  return {
    kind: finding.kind,
    key: finding.membership ? '' : renderKey(finding.key),
    membership: finding.membership,
    map: sitePosition(finding.mapSite),
    accesses: finding.accesses.map((a, i) => {
      const site = siteOf(a.site);
      const raw = i === finding.trigger ? (a.stack ?? currentStack) : a.stack;
      return {
        op: a.op,
        role: a.role,
        site: { file: site.file, line: site.line, column: site.column + 1 },
        fn: site.fn,
        activation: { ...a.activation, kind: activationKind(a.activation), origin: sitePosition(a.activation.originSite) },
        stack: raw === undefined ? undefined : userFrames(raw, ownDirs),
      };
    }),
  };
}

/** An async function's activation is named after the function its origin site is in. */
function activationKind(info: ActivationInfo): string {
  if (info.kind !== 'async function' || info.originSite < 0) return info.kind;
  const fn = siteOf(info.originSite).fn;
  return fn.startsWith('<') ? info.kind : `async function ${fn}`;
}

/** Site tables hold Babel's 0-based columns; reports show 1-based ones, as stack frames do. */
export function sitePosition(id: number): Position | null {
  if (id < 0) return null;
  const site = siteOf(id);
  return { file: site.file, line: site.line, column: site.column + 1 };
}

// customInspect off: a key's own inspect method is user code, and may touch Maps (and re-enter
// the engine) or throw; the report must not run it.
export function renderKey(key: unknown): string {
  let text: string;
  try {
    text = inspect(key, { depth: 1, breakLength: Infinity, customInspect: false });
  } catch {
    text = '<key that cannot be shown>';
  }
  return text.length <= KEY_WIDTH ? text : text.slice(0, KEY_WIDTH - 3) + '...';
}
