// The text report, modelled on Go's race detector and ThreadSanitizer. Its layout is documented
// in the README: keep it stable.
import { describeActivation } from './activation.js';
import type { Paint } from './colour.js';
import type { Paths } from './paths.js';
import type { AccessRecord, RaceRecord } from './record.js';
import type { Frame } from './stack.js';
import type { JsonRace, RaceKind } from './types.js';

export const SEPARATOR = '==================';

const KIND_NAMES: Record<RaceKind, string> = {
  'lost-update': 'lost update',
  'iteration-during-mutation': 'iteration during mutation',
  'stale-read': 'stale read',
  'write-write': 'write-write race',
  'read-write': 'read-write race',
};

const EXPLANATIONS: Record<RaceKind, [why: string, fix: string]> = {
  'lost-update': [
    'The write is based on a value read before an await; a concurrent write lands in between and is lost.',
    'Fix: re-read the entry after the await, in the same segment as the write.',
  ],
  'iteration-during-mutation': [
    'The iteration spans several segments (it awaits or yields between steps); a concurrent mutation changes the entries it walks.',
    'Fix: iterate over a snapshot ([...map]), or order the mutation with the whole loop.',
  ],
  'stale-read': [
    'What was checked or read before an await is relied on after it; a concurrent removal or write lands in between.',
    'Fix: check or read the entry again after the await, in the segment that uses it.',
  ],
  'write-write': [
    'Two writes from segments that nothing orders: which value is left depends on scheduling (strict mode).',
    'Fix: order the writes (await one before the other), or make the result independent of their order.',
  ],
  'read-write': [
    'A read and a write from segments that nothing orders: what the read sees depends on scheduling (strict mode).',
    'Fix: order the accesses (await one before the other), or accept either value.',
  ],
};

export function kindName(kind: RaceKind): string {
  return KIND_NAMES[kind] ?? kind;
}

export function roleTitle(kind: RaceKind, access: Pick<AccessRecord, 'role' | 'op'>): string {
  switch (access.role) {
    case 'read':
      return kind === 'lost-update' ? 'Stale read' : 'Read';
    case 'write':
      return kind === 'lost-update' ? 'Clobbering write' : 'Write';
    case 'other-write':
      if (kind === 'stale-read') return access.op === 'delete' || access.op === 'clear' ? 'Concurrent removal' : 'Concurrent write';
      return 'Concurrent write';
    case 'iteration':
      return 'Iteration';
    case 'mutation':
      return 'Concurrent mutation';
    case 'check':
    case 'first':
      return 'Check';
    case 'use':
    case 'second':
      return 'Use';
    default:
      return access.role.charAt(0).toUpperCase() + access.role.slice(1);
  }
}

export function formatReport(race: RaceRecord, paths: Paths, paint: Paint): string {
  const subject = race.membership ? 'on the keys of ' : `on key ${race.key} of `;
  const map = race.map === null ? 'a Map created outside instrumented code' : `Map created at ${paths.text(race.map)}`;
  const lines = [SEPARATOR, paint('red', paint('bold', `WARNING: mapsan: ${kindName(race.kind)} ${subject}${map}`))];
  for (const access of race.accesses) {
    lines.push('', `  ${paint('bold', `${roleTitle(race.kind, access)} (${access.op})`)} at ${paint('cyan', paths.text(access.site))} in ${access.fn}`);
    const origin = access.activation.origin === null ? null : paths.text(access.activation.origin);
    lines.push(`    ${describeActivation(access.activation, origin)}`);
    for (const frame of access.stack ?? []) lines.push(`      at ${frameText(frame, (p) => paths.text(p))}`);
  }
  const [why, fix] = EXPLANATIONS[race.kind] ?? ['', ''];
  if (why !== '') lines.push('', `  ${why}`, `  ${paint('green', fix)}`);
  lines.push(SEPARATOR, '');
  return lines.join('\n');
}

/** V8's frame layout: `name (where)`, or the bare location of an anonymous top-level frame. */
export function frameText(frame: Frame, show: (p: NonNullable<Frame['position']>) => string): string {
  const where = frame.position === undefined ? frame.where : show(frame.position);
  if (where === undefined) return frame.name;
  if (frame.name === '') return frame.async ? `async ${where}` : where;
  return `${frame.name} (${where})`;
}

/** `mapsan: found 2 races (lost update: 1, stale read: 1)`, then one line per race with its count. */
export function formatSummary(races: readonly JsonRace[], suppressed: number, paths: Paths): string {
  const perKind = new Map<string, number>();
  for (const race of races) perKind.set(kindName(race.kind), (perKind.get(kindName(race.kind)) ?? 0) + 1);
  const kinds = [...perKind].map(([name, n]) => `${name}: ${n}`).join(', ');
  const quiet = suppressed > 0 ? `; ${suppressed} suppressed` : '';
  const lines = [`mapsan: found ${races.length} race${races.length === 1 ? '' : 's'} (${kinds})${quiet}`];
  for (const race of races) {
    const where = race.accesses.map((a) => `${paths.forText(a.file)}:${a.line}:${a.column}`).join(', ');
    lines.push(`  ${kindName(race.kind)}, seen ${race.count === 1 ? 'once' : `${race.count} times`}: ${where}`);
  }
  return lines.join('\n') + '\n';
}
