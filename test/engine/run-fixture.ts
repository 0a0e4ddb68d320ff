// Runs a program of test/fixtures/engine with plain node and under the mapsan CLI (JSON report, no
// transform cache), and finds the lines its `// @marker` comments are on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'engine');

export interface ReportedRace {
  kind: string;
  accesses: { line: number; column: number; role: string; activation: { kind: string }; stack?: string[] }[];
}

/** `options`: MAPSAN_OPTIONS for the mapsan run. */
export function runFixture(name: string, args: string[] = [], options = '') {
  const file = join(fixtures, name);
  const json = join(mkdtempSync(join(tmpdir(), 'mapsan-fixture-')), 'report.json');
  const plain = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8' });
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mapsan.js'), '--json', json, file, ...args], { encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0', MAPSAN_OPTIONS: options } });
  const lines = readFileSync(file, 'utf8').split('\n');
  const marker = (m: string) => lines.findIndex((l) => l.includes(`// ${m}`)) + 1;
  const races = JSON.parse(readFileSync(json, 'utf8')).races as ReportedRace[];
  return { plain, r, races, marker };
}

/** Each race as its kind and its accesses' `role@line`. */
export const shapes = (races: ReportedRace[]) => races.map((x) => [x.kind, x.accesses.map((a) => `${a.role}@${a.line}`)]);
