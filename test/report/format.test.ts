// Records and both renderings from synthetic findings, against a fake site table.
import { describe, expect, it } from 'vitest';
import { describeActivation } from '../../runtime/report/activation.js';
import { activationLabel, configureReports } from '../../runtime/report/reporter.js';
import { parseOptions } from '../../runtime/options.js';
import { colourFromEnv, plain } from '../../runtime/report/colour.js';
import { mergeRaces, toJson } from '../../runtime/report/format-json.js';
import { formatReport, formatSummary, roleTitle } from '../../runtime/report/format-text.js';
import { Paths } from '../../runtime/report/paths.js';
import { buildRecord, renderKey } from '../../runtime/report/record.js';
import type { RaceFinding } from '../../runtime/report/types.js';
import { registerFile } from '../../runtime/sites.js';

const base = registerFile('/proj/src/stats.ts', [
  [3, 14, 'new', '', '<top>'],
  [6, 0, 'async', '', 'bump'],
  [7, 19, 'get', 'counts.get', 'bump'],
  [9, 9, 'set', 'counts.set', 'bump'],
]);
const act = (id: number, thread = 0) => ({ id, kind: 'async function bump', originSite: base + 1, thread });
const lostUpdate = (stack?: string): RaceFinding => ({
  kind: 'lost-update',
  key: 'hits',
  membership: false,
  mapSite: base,
  trigger: 2,
  accesses: [
    { op: 'get', role: 'read', site: base + 2, activation: act(1) },
    { op: 'set', role: 'other-write', site: base + 3, activation: act(2, 3) },
    { op: 'set', role: 'write', site: base + 3, activation: act(1), stack },
  ],
});
const paths = new Paths('/proj', '');
const STACK = ['bump (/proj/src/stats.ts:9:10)', 'reportRace (/mapsan/dist/runtime/report/index.js:1:1)', 'processTicksAndRejections (node:internal/process/task_queues:95:5)', 'new Promise (<anonymous>)'].join('\n');

describe('text report', () => {
  it('follows the documented layout', () => {
    const record = buildRecord(lostUpdate(), STACK, ['/mapsan/dist/']);
    expect(formatReport(record, paths, plain)).toBe(
      [
        '==================',
        "WARNING: mapsan: lost update on key 'hits' of Map created at src/stats.ts:3:15",
        '',
        '  Stale read (get) at src/stats.ts:7:20 in bump',
        '    in async function bump started at src/stats.ts:6:1',
        '',
        '  Concurrent write (set) at src/stats.ts:9:10 in bump',
        '    in worker 3 async function bump started at src/stats.ts:6:1',
        '',
        '  Clobbering write (set) at src/stats.ts:9:10 in bump',
        '    in async function bump started at src/stats.ts:6:1',
        '      at bump (src/stats.ts:9:10)',
        '      at new Promise (<anonymous>)',
        '',
        '  The write is based on a value read before an await; a concurrent write lands in between and is lost.',
        '  Fix: re-read the entry after the await, in the same segment as the write.',
        '==================',
        '',
      ].join('\n'),
    );
  });

  it('says "on the keys of" for membership races and copes with an unknown Map', () => {
    const finding: RaceFinding = {
      kind: 'iteration-during-mutation',
      key: undefined,
      membership: true,
      mapSite: -1,
      trigger: 1,
      accesses: [
        { op: 'iterate', role: 'iteration', site: base + 2, activation: act(1) },
        { op: 'delete', role: 'mutation', site: base + 3, activation: { id: 2, kind: 'timer', originSite: base + 3, thread: 0 } },
      ],
    };
    const text = formatReport(buildRecord(finding, undefined, []), paths, plain);
    expect(text).toContain('WARNING: mapsan: iteration during mutation on the keys of a Map created outside instrumented code\n');
    expect(text).toContain('  Iteration (iterate) at src/stats.ts:7:20 in bump\n');
    expect(text).toContain('  Concurrent mutation (delete) at src/stats.ts:9:10 in bump\n    in timer scheduled at src/stats.ts:9:10\n');
  });

  it('titles every role of every kind', () => {
    const t = (kind: Parameters<typeof roleTitle>[0], role: string, op = 'get') => roleTitle(kind, { role, op });
    expect([t('stale-read', 'check', 'has'), t('stale-read', 'other-write', 'delete'), t('stale-read', 'other-write', 'set'), t('stale-read', 'use')]).toEqual([
      'Check',
      'Concurrent removal',
      'Concurrent write',
      'Use',
    ]);
    expect([t('stale-read', 'first'), t('stale-read', 'second'), t('write-write', 'write'), t('read-write', 'read')]).toEqual(['Check', 'Use', 'Write', 'Read']);
  });

  it('renders keys with util.inspect, 80 characters at most, without running user code', () => {
    expect(renderKey('hits')).toBe("'hits'");
    expect(renderKey({ user: { id: 1, deep: { no: 1 } } })).toBe('{ user: { id: 1, deep: [Object] } }');
    expect(renderKey('x'.repeat(200))).toHaveLength(80);
    expect(renderKey('x'.repeat(200)).endsWith('...')).toBe(true);
    const sneaky = { [Symbol.for('nodejs.util.inspect.custom')]: () => { throw new Error('user code ran'); } };
    expect(renderKey(sneaky)).not.toContain('user code ran');
  });

  it('summarises per kind with counts', () => {
    const json = toJson(buildRecord(lostUpdate(), undefined, []), 3, paths);
    expect(formatSummary([json], 2, paths)).toBe(
      'mapsan: found 1 race (lost update: 1); 2 suppressed\n  lost update, seen 3 times: src/stats.ts:7:20, src/stats.ts:9:10, src/stats.ts:9:10\n',
    );
  });
});

describe('activation label', () => {
  it('names the activation and where it began', () => {
    expect(describeActivation({ id: 1, kind: 'request handler', thread: 0 }, 'src/server.ts:12:3')).toBe('in request handler started at src/server.ts:12:3');
    expect(describeActivation({ id: 1, kind: 'timer', thread: 0 }, 'a.ts:1:1')).toBe('in timer scheduled at a.ts:1:1');
    expect(describeActivation({ id: 1, kind: 'message handler', thread: 2 }, null)).toBe('in worker 2 message handler');
    expect(describeActivation({ id: 1, kind: 'worker 2 message handler', thread: 2 }, null)).toBe('in worker 2 message handler');
    expect(describeActivation({ id: 7, kind: '', thread: 0 }, null)).toBe('in activation 7');
  });

  it('resolves the origin site as the report shows it', () => {
    configureReports(parseOptions('strip_path_prefix=/proj/'));
    expect(activationLabel({ id: 1, kind: 'async function bump', originSite: base + 1, thread: 0 })).toBe('in async function bump started at src/stats.ts:6:1');
    expect(activationLabel({ id: 1, kind: 'main module', originSite: -1, thread: 0 })).toBe('in main module');
  });
});

describe('JSON', () => {
  it('carries what the text says, with absolute files and 1-based columns', () => {
    const json = toJson(buildRecord(lostUpdate(STACK), undefined, ['/mapsan/dist/']), 2, paths);
    expect(json).toEqual({
      kind: 'lost-update',
      key: "'hits'",
      membership: false,
      map: { file: '/proj/src/stats.ts', line: 3, column: 15 },
      accesses: [
        { op: 'get', role: 'read', file: '/proj/src/stats.ts', line: 7, column: 20, function: 'bump', activation: { id: 1, kind: 'async function bump', origin: '/proj/src/stats.ts:6:1', thread: 0 } },
        { op: 'set', role: 'other-write', file: '/proj/src/stats.ts', line: 9, column: 10, function: 'bump', activation: { id: 2, kind: 'async function bump', origin: '/proj/src/stats.ts:6:1', thread: 3 } },
        {
          op: 'set', role: 'write', file: '/proj/src/stats.ts', line: 9, column: 10, function: 'bump',
          activation: { id: 1, kind: 'async function bump', origin: '/proj/src/stats.ts:6:1', thread: 0 },
          stack: ['bump (/proj/src/stats.ts:9:10)', 'new Promise (<anonymous>)'],
        },
      ],
      count: 2,
    });
  });

  it('strips strip_path_prefix in JSON and text alike', () => {
    const stripped = new Paths('/elsewhere', '/proj/');
    const json = toJson(buildRecord(lostUpdate(), undefined, []), 1, stripped);
    expect(json.map?.file).toBe('src/stats.ts');
    expect(json.accesses[0].activation.origin).toBe('src/stats.ts:6:1');
    expect(stripped.forText('/proj/src/stats.ts')).toBe('src/stats.ts');
    expect(stripped.forText('/other/x.ts')).toBe('/other/x.ts');
  });

  it('merges races from several threads by position, adding counts', () => {
    const one = toJson(buildRecord(lostUpdate(), undefined, []), 2, paths);
    const merged = mergeRaces([[one], [{ ...one, count: 3 }]]);
    expect(merged).toHaveLength(1);
    expect(merged[0].count).toBe(5);
    expect(one.count).toBe(2);
  });
});

describe('colour decision', () => {
  it('is on for a TTY only, NO_COLOR and TERM=dumb turn it off, FORCE_COLOR wins', () => {
    // null: the environment leaves it to whether stderr is a TTY.
    expect(colourFromEnv({})).toBe(null);
    expect(colourFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colourFromEnv({ NO_COLOR: '' })).toBe(null);
    expect(colourFromEnv({ TERM: 'dumb' })).toBe(false);
    expect(colourFromEnv({ FORCE_COLOR: '1' })).toBe(true);
    expect(colourFromEnv({ FORCE_COLOR: '0' })).toBe(false);
  });
});
