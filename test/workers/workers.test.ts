// worker_threads: clocks travel with messages (runtime/threads/). Each fixture in
// test/fixtures/workers says what mapsan must report, in the corpus's format (`// expect: none`, or
// `// expect: KIND @marker ...` with `// @marker` on the lines that must appear in the race). Each is
// run plain and under the built CLI: same stdout, the expected races in the JSON report, exit status
// 66 exactly when races were reported. Node binaries: this one plus MAPSAN_TEST_NODE (comma-separated
// paths, e.g. the Node 24 one from `npx -y node@24 -p process.execPath`). Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mapsan.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'workers');
const NODES = [process.execPath, ...(process.env.MAPSAN_TEST_NODE ?? '').split(',').map((s) => s.trim()).filter(Boolean)];

if (!existsSync(join(ROOT, 'dist', 'runtime', 'threads', 'index.js'))) throw new Error('run `npm run build` first');

const temp = mkdtempSync(join(tmpdir(), 'mapsan-workers-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface JsonRace {
  kind: string;
  accesses: { file: string; line: number; activation: { kind: string; thread: number } }[];
}

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env, FORCE_COLOR: '0' };
  for (const k of ['MAPSAN_OPTIONS', 'NODE_OPTIONS', 'NO_COLOR']) delete e[k];
  return e;
}

function run(node: string, args: string[]) {
  const r = spawnSync(node, args, { cwd: ROOT, encoding: 'utf8', env: env(), timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

let runs = 0;
function underMapsan(node: string, file: string) {
  const json = join(temp, `report-${runs++}.json`);
  const r = run(node, [BIN, '--json', json, file]);
  const races = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as { races: JsonRace[] }).races : null;
  return { ...r, races };
}

function expectation(file: string) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const markers = new Map<string, number>();
  let kind = '';
  let wanted: string[] = [];
  lines.forEach((text, i) => {
    const e = /^\s*\/\/\s*expect:\s*(.+)$/.exec(text);
    if (e) [kind, ...wanted] = e[1].trim().split(/\s+/);
    else for (const m of text.slice(Math.max(0, text.indexOf('//'))).matchAll(/\/\/.*?(@[\w-]+)/g)) markers.set(m[1], i + 1);
  });
  return { kind, lines: wanted.map((m) => markers.get(m)!) };
}

const describeRaces = (races: JsonRace[]) => races.map((r) => `${r.kind}@${r.accesses.map((a) => a.line).join(',')}`).join('; ');

const CASES = [
  'ports-moved.js',
  'ports-moved-race.js',
  'broadcast.js',
  'terminate.js',
  'crash.js',
  'data.js',
  'plain-peer.js',
  'handshake.js',
  'atomics-async.js',
  'atomics-sync.js',
  'esm.mjs',
  'race-in-parent.js',
  'receive-after-stamp.js',
  'race-in-worker-handler.js',
  'race-in-worker-data-port.js',
  'new-worker-edge.js',
];

describe.each(NODES)('worker_threads on %s', (node) => {
  it.concurrent.each(CASES)('%s', (name) => {
    const file = join(FIXTURES, name);
    const want = expectation(file);
    const plain = run(node, [file]);
    expect(plain.signal).toBeNull();
    const r = underMapsan(node, file);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.races, r.stderr).not.toBeNull();
    const races = r.races!;
    if (want.kind === 'none') expect(describeRaces(races), r.stderr).toBe('');
    else {
      const found = races.some((race) => race.kind === want.kind && want.lines.every((line) => race.accesses.some((a) => a.line === line && basename(a.file) === name)));
      expect(found, `wanted ${want.kind} at lines ${want.lines.join(',')}, got ${describeRaces(races)}`).toBe(true);
    }
    expect(r.code).toBe(races.length > 0 ? 66 : plain.code);
    expect(r.stdout).toBe(plain.stdout);
  });

  it('names the worker a race was found in, in the text report and the JSON', () => {
    const r = underMapsan(node, join(FIXTURES, 'ports-moved-race.js'));
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/in worker \d+ async function started at .*ports-moved-race\.js:17:/);
    expect(r.stderr).toMatch(/mapsan: found 1 race/);
    expect(r.races![0].accesses.every((a) => a.activation.thread > 0)).toBe(true);
  });

  it.each(['race-in-worker-handler.js', 'race-in-worker-data-port.js'])(
    'runs the messages of ports a worker starts with (%s) in root activations of their own',
    (name) => {
      const r = underMapsan(node, join(FIXTURES, name));
      expect(r.code).toBe(66);
      expect(r.stderr).toMatch(/Concurrent write \(set\) at .*\n\s+in worker \d+ message handler\n/);
      const reset = r.races!.flatMap((race) => race.accesses).filter((a) => a.activation.kind === 'message handler');
      expect(reset.length).toBeGreaterThan(0);
      expect(reset.every((a) => a.activation.thread > 0)).toBe(true);
    },
  );

  it("names a Worker's message handler in its parent", () => {
    const r = underMapsan(node, join(FIXTURES, 'race-in-parent.js'));
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/in message handler for worker \d+/);
    const kinds = r.races!.flatMap((race) => race.accesses.map((a) => a.activation.kind));
    expect(kinds.some((k) => /^message handler for worker \d+$/.test(k))).toBe(true);
  });
});
