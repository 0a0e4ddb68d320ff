// The JSON report: the same facts as the text, for tools. Shape in types.ts (JsonRace).
import { writeFileSync } from 'node:fs';
import { frameText } from './format-text.js';
import type { Paths, Position } from './paths.js';
import type { RaceRecord } from './record.js';
import type { JsonAccess, JsonRace, JsonReport } from './types.js';

export function toJson(race: RaceRecord, count: number, paths: Paths): JsonRace {
  const position = (p: Position) => ({ file: paths.forJson(p.file), line: p.line, column: p.column });
  return {
    kind: race.kind,
    key: race.key,
    membership: race.membership,
    map: race.map === null ? null : position(race.map),
    accesses: race.accesses.map((a): JsonAccess => {
      const access: JsonAccess = {
        op: a.op,
        role: a.role,
        ...position(a.site),
        function: a.fn,
        activation: {
          id: a.activation.id,
          kind: a.activation.kind,
          origin: a.activation.origin === null ? '' : paths.json(a.activation.origin),
          thread: a.activation.thread,
        },
      };
      if (a.stack !== undefined) access.stack = a.stack.map((f) => frameText(f, (p) => paths.json(p)));
      return access;
    }),
    count,
  };
}

/** One entry per kind and sites, counts added: for races gathered from several threads, whose site
 *  ids differ, so identity is by position. */
export function mergeRaces(lists: readonly (readonly JsonRace[])[]): JsonRace[] {
  const byIdentity = new Map<string, JsonRace>();
  for (const list of lists) {
    for (const race of list) {
      const id = race.kind + '|' + race.accesses.map((a) => `${a.file}:${a.line}:${a.column}`).join('|');
      const seen = byIdentity.get(id);
      if (seen === undefined) byIdentity.set(id, { ...race });
      else seen.count += race.count;
    }
  }
  return [...byIdentity.values()];
}

export function writeJsonReport(file: string, races: JsonRace[]): void {
  const report: JsonReport = { races };
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
}
