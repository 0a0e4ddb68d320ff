// Turns model programs into one hand-instrumented CommonJS file (what the plugin would emit, written
// by hand: `_ms.get(m, m.get, site, k)`, `_ms.enter`/`_ms.leave`, `await _ms.aw(x)`, `...(_ms.dm())`
// on calls awaited directly), runs it under the built runtime, and maps each reported access back to
// the step whose generated line it names. Several programs share one file (one spawn), each on its own
// Map with its own sites, run one after the other (a program's forks are drained before the next).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { FN_NAMES, Program, Step, StepRef } from './model.js';
import type { Finding, Kind } from './oracle.js';

/** The built runtime (`npm run build`); MAPSAN_ENGINE_RUNTIME=/abs/index.js tests another build. */
export const RUNTIME = process.env.MAPSAN_ENGINE_RUNTIME ?? resolve(__dirname, '../../dist/runtime/index.js');

type SiteTuple = [number, number, string, string, string];

interface Generated {
  source: string;
  /** line -> (program index, step) */
  lines: Map<number, { prog: number; ref: StepRef }>;
}

const CALLEE: Record<string, string> = { get: 'get', set: 'set', has: 'has', delete: 'delete' };
const RUNTIME_FN: Record<string, string> = { get: 'get', set: 'set', has: 'has', delete: 'del' };

export function generate(programs: Program[], runtime = RUNTIME): Generated {
  const body: string[] = [];
  const sites: SiteTuple[] = [];
  const lines = new Map<number, { prog: number; ref: StepRef }>();
  const HEADER_LINES = 3;
  const lineNo = () => HEADER_LINES + body.length + 1; // line of the next body line
  const site = (op: string, callee: string, fn: string, text: string, needle: string) => {
    sites.push([lineNo(), Math.max(0, text.indexOf(needle)), op, callee, fn]);
    return `_msb + ${sites.length - 1}`;
  };

  programs.forEach((p, pi) => {
    const m = `m${pi}`;
    const fname = (fn: number) => `p${pi}_${FN_NAMES[fn]}`;
    const init = p.initial.map((k) => `['k${k}', 0]`).join(', ');
    {
      const text = `const ${m} = _ms.newMap(new Map([${init}]), SITE);`;
      body.push(text.replace('SITE', site('new', '', '<top>', text, 'new Map')));
    }
    const emitBody = (name: string, fnName: string, steps: Step[]) => {
      {
        const text = `async function ${fnName}() { const t = _ms.enter(SITE); try {`;
        body.push(text.replace('SITE', site('async', '', fnName, text, 'async')));
      }
      steps.forEach((s, index) => {
        let text: string;
        switch (s.t) {
          case 'access': {
            const args = s.op === 'set' ? `'k${s.key}', ${index}` : `'k${s.key}'`;
            const call = `_ms.${RUNTIME_FN[s.op]}(${m}, ${m}.${CALLEE[s.op]}, SITE, ${args})`;
            const o = (what: string, v: string) => `$obs(${pi}, '${name}', ${index}, '${what}', ${v})`;
            // What the rules depend on, recorded beside the access (a native has() is not recorded).
            if (s.op === 'has') text = `  ${o('has', call)};`;
            else if (s.op === 'delete') text = `  ${o('membership', call)};`;
            else if (s.op === 'set') text = `  ${o('membership', `!${m}.has('k${s.key}')`)}, ${call};`;
            else text = `  ${call};`;
            text = text.replace('SITE', site(s.op, `${m}.${CALLEE[s.op]}`, fnName, text, '_ms.'));
            break;
          }
          case 'iterate': {
            text = `  for (const $e of _ms.iter(${m}, SITE)) { ${`$obs(${pi}, '${name}', ${index}, 'entries', 1)`}; await _ms.aw($immediate(..._ms.dm())); }`;
            text = text.replace('SITE', site('iter', '', fnName, text, '_ms.iter'));
            break;
          }
          case 'await':
            text = s.kind === 'immediate' ? `  await _ms.aw($immediate(..._ms.dm()));` : `  await _ms.aw(Promise.resolve(..._ms.dm()));`;
            break;
          case 'fork':
            text = `  const $p${s.fn} = $fork(${pi}, ${fname(s.fn)}());`;
            break;
          case 'join':
            text = `  await _ms.aw($p${s.fn});`;
            break;
          case 'direct':
            text = `  await _ms.aw(${fname(s.fn)}(..._ms.dm()));`;
            break;
          case 'joinAll':
            text = `  await _ms.aw(Promise.all([${s.fns.map((fn) => `$p${fn}`).join(', ')}], ..._ms.dm()));`;
            break;
        }
        lines.set(lineNo(), { prog: pi, ref: { body: name, index } });
        body.push(text);
      });
      body.push(`} finally { _ms.leave(t); } }`);
    };
    p.fns.forEach((steps, fn) => emitBody(FN_NAMES[fn], fname(fn), steps));
    emitBody('main', `p${pi}_main`, p.main);
  });
  body.push(
    `const $mains = [${programs.map((_, pi) => `p${pi}_main`).join(', ')}];`,
    `(async () => {`,
    `  for (let i = 0; i < $mains.length; i++) {`,
    `    await $mains[i]();`,
    `    for (const p of $forks[i] ?? []) await p;`,
    `  }`,
    `  process.stdout.write(JSON.stringify({ done: true, obs: $observed }));`,
    `})();`,
  );
  const header = [
    `const _ms = require(${JSON.stringify(runtime)});`,
    `const _msb = _ms.file(__filename, ${JSON.stringify(sites)});`,
    `const $observed = [], $forks = [], $immediate = () => new Promise((r) => setImmediate(r)), ` +
      `$obs = (p, b, i, what, v) => ($observed.push([p, b, i, what, v]), v), $fork = (p, x) => (($forks[p] ??= []).push(x), x);`,
  ];
  if (header.length !== HEADER_LINES) throw new Error('header size');
  return { source: [...header, ...body, ''].join('\n'), lines };
}

interface JsonReport {
  races: { kind: string; accesses: { role: string; file: string; line: number }[] }[];
}

export interface ProgramRun {
  /** Races the engine reported, as the model's pairs. */
  found: Finding[];
  /** What the run observed per step, `main[2]` -> value: a has's result, whether a set/delete changed
   *  membership, how many entries an iteration visited. */
  has: Map<string, boolean>;
  membership: Map<string, boolean>;
  entries: Map<string, number>;
  /** Reported accesses that map to no step, or races of kinds this test does not model. */
  unexplained: string[];
}

export interface BatchRun {
  programs: ProgramRun[];
  file: string;
  stderr: string;
  code: number | null;
}

const ROLES: Record<string, [Kind, string, string]> = {
  'lost-update': ['lost-update', 'read', 'write'],
  'stale-read': ['stale-read', 'check', 'use'],
  'iteration-during-mutation': ['iteration-during-mutation', 'iteration', 'mutation'],
};

function runNode(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

let tmp: string | null = null;
let snapshot = '';
let serial = 0;

/**
 * A private copy of the built runtime (it needs only Node's own modules), taken at the first run: a
 * rebuild of dist/ while the test runs cannot hand a batch a half-written runtime.
 */
function runtimeSnapshot(dir: string): string {
  if (snapshot === '') {
    const copy = join(dir, 'runtime');
    cpSync(dirname(RUNTIME), copy, { recursive: true });
    snapshot = join(copy, basename(RUNTIME));
  }
  return snapshot;
}

/** Removes this process's temporary folder (generated programs, reports, the runtime copy). */
export function cleanup(): void {
  if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
  snapshot = '';
}

/** Writes the programs as one file, runs it under the engine, returns what was reported per program. */
export async function runBatch(programs: Program[], options: { keep?: boolean; historySize?: number } = {}): Promise<BatchRun> {
  tmp ??= mkdtempSync(join(tmpdir(), 'mapsan-engine-'));
  const file = join(tmp, `batch-${process.pid}-${serial++}.js`);
  const json = `${file}.json`;
  const gen = generate(programs, runtimeSnapshot(tmp));
  writeFileSync(file, gen.source);
  const env = { ...process.env };
  for (const name of ['MAPSAN_OPTIONS', 'NODE_OPTIONS', 'FORCE_COLOR']) delete env[name];
  // history_size=64 unless a case is about the bound: the programs are small, so no history ring
  // ever drops an access.
  env.MAPSAN_OPTIONS = `json=${json} history_size=${options.historySize ?? 64}`;
  const r = await runNode(file, env);
  let out: { done: boolean; obs: [number, string, number, string, unknown][] };
  try {
    out = JSON.parse(r.stdout);
  } catch {
    throw new Error(`generated program ${file} did not finish (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  if (!existsSync(json) || /mapsan: internal error/.test(r.stderr)) {
    throw new Error(`generated program ${file} ran (exit ${r.code}) but the engine wrote no JSON report or failed:\n${r.stderr.slice(0, 4000)}`);
  }
  const report: JsonReport = JSON.parse(readFileSync(json, 'utf8'));
  const runs: ProgramRun[] = programs.map(() => ({ found: [], has: new Map(), membership: new Map(), entries: new Map(), unexplained: [] }));
  for (const [p, b, i, what, v] of out.obs) {
    const r = runs[p];
    const k = `${b}[${i}]`;
    if (what === 'has') r.has.set(k, v === true);
    else if (what === 'membership') r.membership.set(k, v === true);
    else r.entries.set(k, (r.entries.get(k) ?? 0) + 1);
  }
  for (const race of report.races) {
    const at = (a: { file: string; line: number }) => (a.file === file ? gen.lines.get(a.line) : undefined);
    const progs = new Set(race.accesses.map((a) => at(a)?.prog));
    const roles = ROLES[race.kind];
    const first = roles && race.accesses.find((a) => a.role === roles[1]);
    const second = roles && race.accesses.find((a) => a.role === roles[2]);
    const f = first && at(first);
    const s = second && at(second);
    if (progs.size !== 1 || progs.has(undefined) || !f || !s) {
      const where = [...progs].find((x) => x !== undefined) ?? 0;
      runs[where].unexplained.push(`${race.kind}: ${race.accesses.map((a) => `${a.role}@${a.line}`).join(', ')}`);
      continue;
    }
    const prog = runs[f.prog];
    const finding: Finding = { kind: roles[0], first: f.ref, second: s.ref };
    prog.found.push(finding);
  }
  if (!options.keep) {
    rmSync(file, { force: true });
    rmSync(json, { force: true });
  }
  return { programs: runs, file, stderr: r.stderr, code: r.code };
}
