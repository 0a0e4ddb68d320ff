// npm run bench: every speed bound of the project, as ratios against the same work without mapsan.
// Medians of BENCH_RUNS runs (default 5); wall-clock on a shared 2-core machine is noisy, so read
// trends, not digits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, median } from './alternate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = (f) => join(root, 'bench', f);
const cli = join(root, 'bin', 'mapsan.js');
const require = createRequire(import.meta.url);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const rows = [];

function run(args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}
const times = (n, f) => Array.from({ length: n }, f);
/** Medians of `plain` and `inst` runs taken in turn, after one untimed `inst` run: a transform-cache
 *  miss (Babel loading) is not what a row measures. */
function paired(n, plain, inst) {
  inst();
  return alternate(n, plain, inst).map(median);
}
const row = (name, value, bound, ok) => rows.push({ name, value, bound, verdict: ok ? 'ok' : 'OVER' });
const fmt = (x, digits = 2) => x.toFixed(digits);

// --- transform speed: a 500 KB file --------------------------------------------------------------
{
  const babel = require('@babel/core');
  const plugin = require(join(root, 'dist/plugin/index.js'));
  const chunk = `
export class Cache${'$'}{i} {
  constructor() { this.store = new Map(); this.hits = 0; }
  async refresh(user) {
    const entry = this.store.get(user) ?? { user, version: 0 };
    const token = await this.fetchToken(user);
    this.store.set(user, { ...entry, token, version: entry.version + 1 });
    for (const [k, v] of this.store) if (v.version > 10) this.store.delete(k);
    return this.store.size + (this.store.has(user) ? 1 : 0);
  }
  fetchToken(user) { return new Promise((resolve) => setImmediate(() => resolve(user + '-token'))); }
}
`;
  let source = '';
  for (let i = 0; source.length < 500_000; i++) source += chunk.replaceAll('${i}', String(i));
  const transformWith = (plugins) => () => babel.transformSync(source, { filename: join(root, 'bench/big.js'), configFile: false, babelrc: false, plugins, sourceMaps: true });
  const timed = (transform) => {
    transform(); // warm up Babel itself
    return median(times(RUNS, () => { const t0 = performance.now(); transform(); return performance.now() - t0; }));
  };
  const ms = timed(transformWith([plugin]));
  row(`transform ${Math.round(source.length / 1000)} KB file, a Map op every line (worst case)`, `${fmt(ms, 0)} ms`, '< 1000 ms', ms < 1000);
  // Context: the same transformSync with no plugin (parse, scope crawl, generate + source map).
  const alone = timed(transformWith([]));
  row('  same, Babel alone (plugins: [])', `${fmt(alone, 0)} ms (plugin adds ${fmt(ms - alone, 0)} ms)`, 'context', true);
  // A real library of that size, which uses Maps as code does: @babel/parser, a dependency of Babel.
  const realFile = require.resolve('@babel/parser/lib/index.js', { paths: [require.resolve('@babel/core')] });
  const real = readFileSync(realFile, 'utf8');
  const realMs = timed(() => babel.transformSync(real, { filename: join(root, 'bench/parser.js'), configFile: false, babelrc: false, plugins: [plugin], sourceMaps: true, inputSourceMap: false }));
  row(`transform ${Math.round(real.length / 1000)} KB real file (@babel/parser)`, `${fmt(realMs, 0)} ms`, '< 1000 ms', realMs < 1000);
}

// --- startup with a transform-cache hit ------------------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), 'mapsan-bench-'));
  const file = join(dir, 'hello.js');
  writeFileSync(file, "const m = new Map([['a', 1]]);\nconsole.log(m.get('a'));\n");
  const [plain, hit] = paired(5, () => run([file]).ms, () => run([cli, file]).ms);
  row('startup, cache hit, over plain node', `+${fmt(hit - plain, 0)} ms (${fmt(plain, 0)} → ${fmt(hit, 0)})`, '< 100 ms', hit - plain < 100);
  // The same with a large dependency: node_modules files are not transformed, but every require
  // passes mapsan's hooks, and Node reads the .map a package ships wherever source maps are on.
  const deps = join(root, 'bench', 'requires-babel.js');
  const [dPlain, dHit] = paired(5, () => run([deps]).ms, () => run([cli, deps]).ms);
  row('  same, requiring @babel/core (~200 files that ship source maps)', `+${fmt(dHit - dPlain, 0)} ms (${fmt(dPlain, 0)} → ${fmt(dHit, 0)})`, 'context', true);
}

// --- one Map operation --------------------------------------------------------------------------------
{
  const ns = (args) => JSON.parse(run(args).stdout.trim()).nsPerOp;
  const [plain, inst] = paired(RUNS, () => ns([bench('map-ops.js')]), () => ns([cli, bench('map-ops.js')]));
  row('one Map operation (get/set)', `${fmt(inst / plain)}x (${fmt(plain, 1)} → ${fmt(inst, 1)} ns)`, '≤ 3x', inst / plain <= 3);
  const [gPlain, gInst] = paired(RUNS, () => ns([bench('generator-next.js')]), () => ns([cli, bench('generator-next.js')]));
  row('  a generator\'s next(), which goes through the runtime too', `${fmt(gInst / gPlain)}x (${fmt(gPlain, 1)} → ${fmt(gInst, 1)} ns)`, 'context', true);
}

// --- promise-heavy program, whole process ------------------------------------------------------------------
{
  const args = [bench('promise-heavy.js'), '2000', '100'];
  const [plain, inst] = paired(RUNS, () => run(args).ms, () => run([cli, ...args]).ms);
  row('promise-heavy program (2000 async fns x 100 awaits)', `${fmt(inst / plain)}x (${fmt(plain, 0)} → ${fmt(inst, 0)} ms)`, '≤ 3x', inst / plain <= 3);
  // The same work in batches, each awaiting Promise.all of 2000 fresh workers: each batch starts
  // from a join 2000 chains wide.
  const batches = [bench('promise-heavy.js'), '2000', '25', '4'];
  const [bPlain, bInst] = paired(RUNS, () => run(batches).ms, () => run([cli, ...batches]).ms);
  row('  same in 4 batches (Promise.all of 2000 x 25 awaits)', `${fmt(bInst / bPlain)}x (${fmt(bPlain, 0)} → ${fmt(bInst, 0)} ms)`, '≤ 3x', bInst / bPlain <= 3);
  const full = median(times(RUNS, () => run([cli, ...args], { MAPSAN_OPTIONS: 'stacks=full' }).ms));
  row('  same with stacks=full', `${fmt(full / plain)}x (${fmt(full, 0)} ms)`, 'documented', true);
  // The same shape with the little work a request handler does between awaits.
  const handlers = [bench('handlers.js'), '2000', '50'];
  const [hPlain, hInst] = paired(RUNS, () => run(handlers).ms, () => run([cli, ...handlers]).ms);
  row('request handlers (2000 clients x 50 requests)', `${fmt(hInst / hPlain)}x (${fmt(hPlain, 0)} → ${fmt(hInst, 0)} ms)`, '≤ 3x', hInst / hPlain <= 3);
}

// --- memory across 1M activations ------------------------------------------------------------------------
{
  run([cli, bench('activations-memory.js'), '1000']); // a transform-cache miss would count Babel in the heap
  const out = run(['--expose-gc', cli, bench('activations-memory.js'), '1000000']).stdout;
  const { heapMB } = JSON.parse(out.trim().split('\n').pop());
  const growth = heapMB[heapMB.length - 1] - heapMB[0];
  row('heap across 1M activations (MB at each 100k)', heapMB.join(' '), 'flat (< 10 MB growth)', growth < 10);
}

// --- workers: 10,000 messages of 1 KB ---------------------------------------------------------------------------
// workers.mjs runs plain and under mapsan itself (medians inside) and prints one JSON line.
if (existsSync(bench('workers.mjs'))) {
  const r = JSON.parse(run([bench('workers.mjs'), '--json']).stdout.trim().split('\n').pop());
  row('10,000 messages of 1 KB between two workers', `${fmt(r.ratio)}x (${fmt(r.plain, 0)} → ${fmt(r.mapsan, 0)} ms)`, '≤ 1.5x', r.ratio <= 1.5);
}

// --- test runners on examples/ -------------------------------------------------------------------------------
if (existsSync(bench('test-runners.mjs'))) {
  for (const line of run([bench('test-runners.mjs')]).stdout.trim().split('\n')) {
    const r = JSON.parse(line);
    row(`${r.name} suite of examples/ with mapsan`, `${fmt(r.ratio)}x (${fmt(r.plainMs, 0)} → ${fmt(r.mapsanMs, 0)} ms)`, '≤ 1.5x', r.ratio <= 1.5);
  }
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`mapsan bench on Node ${process.version} (median of ${RUNS})\n`);
for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.value.padEnd(36)}  bound ${r.bound.padEnd(24)} ${r.verdict}`);
