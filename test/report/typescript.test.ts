// TypeScript accuracy: compile with the real tsc CLI (--sourceMap, an adjacent .js.map), run the
// emitted JavaScript under mapsan, and the report names the lines and columns of the .ts source.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const source = join(root, 'test', 'fixtures', 'report', 'stats.ts');

describe('TypeScript compiled by tsc', () => {
  it('reports the .ts lines, in text and in JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapsan-tsc-'));
    const ts = join(dir, 'stats.ts');
    copyFileSync(source, ts);
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--sourceMap', '--target', 'es2022', '--module', 'commonjs', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), '--skipLibCheck', ts], { cwd: dir, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    expect(readFileSync(join(dir, 'stats.js.map'), 'utf8')).toContain('stats.ts');

    const json = join(dir, 'report.json');
    const run = spawnSync(process.execPath, [join(root, 'bin', 'mapsan.js'), '--json', json, join(dir, 'stats.js')], { cwd: dir, encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0', NO_COLOR: '1' } });
    expect(run.stdout).toBe('hits 1\n');
    expect(run.status).toBe(66);

    const lines = readFileSync(ts, 'utf8').split('\n');
    const at = (marker: string) => {
      const i = lines.findIndex((l) => l.includes(`// ${marker}`));
      return { line: i + 1, text: lines[i] };
    };
    const read = at('@read');
    const write = at('@write');
    const map = at('@map');
    const col = (where: { text: string }, what: string) => where.text.indexOf(what) + 1;

    const [race] = JSON.parse(readFileSync(json, 'utf8')).races;
    expect(race.kind).toBe('lost-update');
    expect(race.map).toEqual({ file: ts, line: map.line, column: col(map, 'new Map') });
    expect(race.accesses.map((a: { role: string; file: string; line: number; column: number }) => [a.role, a.file, a.line, a.column])).toEqual([
      ['read', ts, read.line, col(read, 'stats.get')],
      ['other-write', ts, write.line, col(write, 'stats.set')],
      ['write', ts, write.line, col(write, 'stats.set')],
    ]);

    expect(run.stderr).toContain(`WARNING: mapsan: lost update on key '/home' of Map created at stats.ts:${map.line}:${col(map, 'new Map')}`);
    expect(run.stderr).toContain(`Stale read (get) at stats.ts:${read.line}:${col(read, 'stats.get')} in recordHit`);
    expect(run.stderr).toContain(`Clobbering write (set) at stats.ts:${write.line}:${col(write, 'stats.set')} in recordHit`);
    // The live stack is mapped too: its frame for the write names the .ts line.
    expect(run.stderr).toMatch(new RegExp(`at recordHit \\(.*stats\\.ts:${write.line}:\\d+\\)`));
  });
});
