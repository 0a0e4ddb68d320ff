// The reporter in a real process: what reaches stderr, files and the exit status.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../runtime/report/types.js';
import { DIST_REPORT, emit, FIXTURES, runNode, tempDir, warnings } from './helpers.js';

beforeAll(() => {
  if (!existsSync(DIST_REPORT)) throw new Error('run `npm run build` first: these tests run the built dist/');
});

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as JsonReport;

describe('de-duplication', () => {
  it('prints one report per kind and sites, counts repeats, exits 66', () => {
    const r = emit(['lost', 'lost', 'other-sites', 'lost', 'count']);
    expect(warnings(r.stderr)).toEqual([
      "WARNING: mapsan: lost update on key 'hits0' of Map created at src/counter.ts:3:16",
      "WARNING: mapsan: lost update on key 'hits2' of Map created at src/counter.ts:3:16",
    ]);
    expect(r.stdout).toBe('count=2\nprogram done\n');
    expect(r.stderr).toMatch(/\nmapsan: found 2 races \(lost update: 2\)\n {2}lost update, seen 3 times: src\/counter\.ts:7:20, src\/counter\.ts:9:10, src\/counter\.ts:9:10\n {2}lost update, seen once: src\/counter\.ts:7:20, src\/counter\.ts:12:3, src\/counter\.ts:9:10\n$/);
    expect(r.code).toBe(66);
  });

  it('shows the stack of the access that completed the race, without mapsan or node:internal frames', () => {
    const r = emit(['lost']);
    const last = r.stderr.slice(r.stderr.indexOf('Clobbering write'));
    expect(last).toMatch(/^Clobbering write \(set\) at src\/counter\.ts:9:10 in bump\n {4}in async function bump started at src\/counter\.ts:6:1\n {6}at bumpCounter \(emit\.js:\d+:\d+\)\n {6}at Object\.<anonymous> \(emit\.js:\d+:\d+\)\n\n/);
    expect(r.stderr).not.toMatch(/node:internal|dist\/runtime/);
  });

  it('is silent and exits as the program does when there is no race', () => {
    const r = emit(['exit=0']);
    expect(r).toEqual({ code: 0, stdout: 'program done\n', stderr: '' });
  });
});

describe('exit status', () => {
  it('uses exitcode', () => {
    expect(emit(['lost'], { mapsan: 'exitcode=3' }).code).toBe(3);
  });

  it('keeps a non-zero status of the program', () => {
    expect(emit(['lost', 'exit=5']).code).toBe(5);
    const thrown = emit(['lost', 'throw']);
    expect(thrown.code).toBe(1);
    expect(thrown.stderr).toContain('program failed');
    expect(thrown.stderr).toContain('mapsan: found 1 race');
  });

  it('halt_on_error prints the first race, writes the JSON and exits at once', () => {
    const dir = tempDir();
    const json = join(dir, 'r.json');
    const r = emit(['lost', 'other-sites'], { mapsan: `halt_on_error=1 exitcode=7 json=${json}` });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(warnings(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('mapsan: found 1 race (lost update: 1)');
    expect(readJson(json).races.map((x) => x.count)).toEqual([1]);
  });
});

describe('log_path', () => {
  it('writes reports and summary to PATH.<pid>, nothing to stderr', () => {
    const dir = tempDir();
    const r = emit(['lost', 'lost'], { mapsan: `log_path=${join(dir, 'mapsan.log')}`, env: { FORCE_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(66);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^mapsan\.log\.\d+$/);
    const log = readFileSync(join(dir, files[0]), 'utf8');
    expect(warnings(log)).toHaveLength(1);
    expect(log).toContain('lost update, seen 2 times');
    expect(log).not.toContain('\u001b[');
  });

  it('creates no file when there is no race', () => {
    const dir = tempDir();
    emit([], { mapsan: `log_path=${join(dir, 'mapsan.log')}` });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('falls back to stderr, saying so once, when the file cannot be written', () => {
    const r = emit(['lost', 'other-sites'], { mapsan: `log_path=${join(tempDir(), 'missing', 'mapsan.log')}` });
    expect(r.stderr.match(/cannot write to log_path file/g)).toHaveLength(1);
    expect(warnings(r.stderr)).toHaveLength(2);
    expect(r.stderr).toContain('mapsan: found 2 races');
    expect(r.code).toBe(66);
  });

  it('takes a relative path from the directory the program started in', () => {
    const dir = tempDir();
    emit(['lost'], { mapsan: 'log_path=out.log', cwd: dir });
    expect(readdirSync(dir)[0]).toMatch(/^out\.log\.\d+$/);
  });
});

describe('json', () => {
  it('writes every race with its count, absolute files and the stack that was captured', () => {
    const dir = tempDir();
    const json = join(dir, 'r.json');
    emit(['lost', 'lost', 'membership'], { mapsan: `json=${json}` });
    const { races } = readJson(json);
    expect(races.map((r) => [r.kind, r.count, r.key, r.membership])).toEqual([
      ['lost-update', 2, "'hits0'", false],
      ['iteration-during-mutation', 1, '', true],
    ]);
    const [read, other, write] = races[0].accesses;
    expect(read).toEqual({
      op: 'get', role: 'read', file: join(FIXTURES, 'src/counter.ts'), line: 7, column: 20, function: 'bump',
      activation: { id: 1, kind: 'async function bump', origin: `${join(FIXTURES, 'src/counter.ts')}:6:1`, thread: 0 },
    });
    expect(other.role).toBe('other-write');
    expect(write.stack?.[0]).toMatch(new RegExp(`^bumpCounter \\(${join(FIXTURES, 'emit.js')}:\\d+:\\d+\\)$`));
    expect(races[1].map).toBeNull();
  });

  it('reports a JSON file it cannot write and still exits 66', () => {
    const r = emit(['lost'], { mapsan: `json=${join(tempDir(), 'missing', 'r.json')}` });
    expect(r.stderr).toMatch(/\nmapsan: cannot write the JSON report: ENOENT/);
    expect(r.code).toBe(66);
  });

  it('writes an empty list when there is no race', () => {
    const json = join(tempDir(), 'r.json');
    expect(emit([], { mapsan: `json=${json}` }).code).toBe(0);
    expect(readJson(json)).toEqual({ races: [] });
  });
});

describe('strip_path_prefix', () => {
  it('removes the prefix in text and JSON', () => {
    const dir = tempDir();
    const json = join(dir, 'r.json');
    const r = emit(['lost'], { mapsan: `strip_path_prefix=${FIXTURES}/ json=${json}`, cwd: dir });
    expect(warnings(r.stderr)[0]).toBe("WARNING: mapsan: lost update on key 'hits0' of Map created at src/counter.ts:3:16");
    expect(r.stderr).toContain('at bumpCounter (emit.js:');
    const race = readJson(json).races[0];
    expect(race.map?.file).toBe('src/counter.ts');
    expect(race.accesses[2].stack?.[0]).toMatch(/^bumpCounter \(emit\.js:\d+:\d+\)$/);
  });

  it('shows paths outside the working directory in full otherwise', () => {
    const r = emit(['lost'], { cwd: tempDir() });
    expect(warnings(r.stderr)[0]).toContain(`Map created at ${join(FIXTURES, 'src/counter.ts')}:3:16`);
  });
});

describe('suppressions', () => {
  const withRules = (rules: string, scenario: string[]) => {
    const file = join(tempDir(), 'supp.txt');
    writeFileSync(file, rules);
    return emit(scenario, { mapsan: `suppressions=${file}` });
  };

  it('silences by kind and function name', () => {
    const r = withRules('# the timer is known\nlost-update:reset\n', ['lost', 'other-sites']);
    expect(warnings(r.stderr)).toEqual(["WARNING: mapsan: lost update on key 'hits0' of Map created at src/counter.ts:3:16"]);
    expect(r.stderr).toContain('mapsan: found 1 race (lost update: 1); 1 suppressed');
    expect(r.code).toBe(66);
  });

  it('silences by file glob, for any kind with race:', () => {
    const r = withRules('race:fixtures/src/*.ts\n', ['lost', 'membership', 'lost']);
    expect(r).toEqual({ code: 0, stdout: 'program done\n', stderr: '' });
  });

  it('applies a kind only to that kind', () => {
    const r = withRules('iteration-during-mutation:counter.ts\n', ['lost', 'membership']);
    expect(warnings(r.stderr)).toHaveLength(1);
    expect(warnings(r.stderr)[0]).toContain('lost update');
  });
});

describe('validateReportOptions', () => {
  const check = (mapsan: string, cwd: string) =>
    runNode(
      ['-e', `const r = require(${JSON.stringify(DIST_REPORT)}); const { parseOptions, OptionsError } = require(${JSON.stringify(join(DIST_REPORT, '../../options.js'))});
       try { r.validateReportOptions(parseOptions(process.env.MAPSAN_OPTIONS)); console.log('ok'); }
       catch (e) { console.error(e instanceof OptionsError ? e.message : 'not an OptionsError'); process.exit(2); }`],
      { mapsan, cwd },
    );

  it('rejects a missing or malformed suppressions file in one line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.txt'), 'race:ok\nlost-updates:bump\n');
    expect(check('suppressions=bad.txt', dir)).toMatchObject({
      code: 2,
      stderr: `mapsan: suppressions file '${join(dir, 'bad.txt')}' line 2: unknown kind 'lost-updates' (known: race, lost-update, iteration-during-mutation, stale-read, write-write, read-write)\n`,
    });
    expect(check('suppressions=missing.txt', dir)).toMatchObject({ code: 2, stderr: `mapsan: MAPSAN_OPTIONS: suppressions: cannot read '${join(dir, 'missing.txt')}': no such file\n` });
    writeFileSync(join(dir, 'good.txt'), 'race:ok\n');
    expect(check('suppressions=good.txt', dir)).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('rejects json and log_path in a folder that does not exist', () => {
    const dir = tempDir();
    expect(check('json=nowhere/r.json', dir)).toMatchObject({ code: 2, stderr: `mapsan: MAPSAN_OPTIONS: json: folder '${join(dir, 'nowhere')}' does not exist\n` });
    expect(check('log_path=nowhere/log', dir)).toMatchObject({ code: 2, stderr: `mapsan: MAPSAN_OPTIONS: log_path: folder '${join(dir, 'nowhere')}' does not exist\n` });
    expect(check('json=r.json log_path=log', dir)).toMatchObject({ code: 0, stdout: 'ok\n' });
  });
});

describe('colour', () => {
  it('is off when stderr is not a terminal', () => {
    expect(emit(['lost']).stderr).not.toContain('\u001b[');
  });

  it('follows FORCE_COLOR', () => {
    const r = emit(['lost'], { env: { FORCE_COLOR: '1' } });
    expect(r.stderr).toContain("\u001b[31m\u001b[1mWARNING: mapsan: lost update on key 'hits0'");
  });

  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasScript)('is on for a terminal, and off there with NO_COLOR', () => {
    const onTerminal = (env: Record<string, string>) =>
      runNode(['-e', `require('node:child_process').execFileSync('script', ['-qec', ${JSON.stringify(`"${process.execPath}" emit.js lost`)}, '/dev/null'], { stdio: 'inherit' })`], { env }).stdout;
    expect(onTerminal({})).toContain('\u001b[1m');
    expect(onTerminal({ NO_COLOR: '1' })).not.toContain('\u001b[');
  });
});

describe('worker threads', () => {
  it("folds a worker's races into the main thread's summary, JSON and exit status", () => {
    const json = join(tempDir(), 'r.json');
    const r = emit(['worker=lost,lost', 'lost'], { mapsan: `json=${json}` });
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('in worker 1 async function bump started at src/counter.ts:6:1');
    expect(r.stderr).toContain('mapsan: found 1 race (lost update: 1)\n  lost update, seen 3 times:');
    const { races } = readJson(json);
    expect(races).toHaveLength(1);
    expect(races[0].count).toBe(3);
  });

  it('sets the exit status when only a worker found a race', () => {
    const r = emit(['worker=membership']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('mapsan: found 1 race (iteration during mutation: 1)');
  });
});

describe('internal errors', () => {
  it('prints one line, turns reporting off and leaves the program alone', () => {
    const r = emit(['broken', 'lost']);
    expect(r).toEqual({ code: 0, stdout: 'program done\n', stderr: 'mapsan: internal error in reporting: finding.accesses is not iterable\n' });
  });
});
