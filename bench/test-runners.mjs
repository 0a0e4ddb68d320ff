#!/usr/bin/env node
// The test suites of examples/jest and examples/vitest, with mapsan (their own configs) and without
// (the same runner and files; Jest still transforms with babel-jest, minus the mapsan plugin and
// setup file; Vitest without the mapsan plugin). Prints one JSON line per runner:
//   {"name":"jest","plainMs":..,"mapsanMs":..,"ratio":..}
// Wall-clock of the whole `jest` / `vitest run` process, median of BENCH_RUNS (default 3) runs of
// each, taken in turn, after one warm-up run of each (Jest's transform cache then holds both
// variants, as in everyday use).
// Installs the examples first if needed (npm, from the registry). The racy test fails under mapsan
// by design: exit status 1 is expected there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, median } from './alternate.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const RUNS = Number(process.env.BENCH_RUNS || 3);
const scratch = mkdtempSync(join(tmpdir(), 'mapsan-bench-runners-'));

const env = {};
for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|__VITEST|TINYPOOL|JEST_WORKER_ID|MAPSAN_)/.test(k)) env[k] = v;
Object.assign(env, { FORCE_COLOR: '0', CI: '1' });

function install(dir) {
  if (existsSync(join(dir, 'node_modules/.package-lock.json'))) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed: ${r.stderr}`);
}

function time(args, cwd, okStatus) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (!okStatus.includes(r.status)) throw new Error(`${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(-2000)}`);
  return ms;
}

function measure(name, plain, mapsan) {
  plain();
  mapsan();
  const [plainMs, mapsanMs] = alternate(RUNS, plain, mapsan).map(median);
  const round = (x) => Math.round(x);
  console.log(JSON.stringify({ name, plainMs: round(plainMs), mapsanMs: round(mapsanMs), ratio: Math.round((mapsanMs / plainMs) * 100) / 100 }));
}

try {
  // --- Jest -----------------------------------------------------------------------------------------
  {
    const dir = join(root, 'examples/jest');
    install(dir);
    const jest = join(dir, 'node_modules/jest/bin/jest.js');
    const plainConfig = JSON.stringify({ rootDir: dir, transform: { '\\.js$': ['babel-jest', { configFile: false, babelrc: false }] } });
    const plainCache = join(scratch, 'jest-plain');
    const mapsanCache = join(scratch, 'jest-mapsan');
    measure(
      'jest',
      () => time([jest, '--ci', `--config=${plainConfig}`, `--cacheDirectory=${plainCache}`], dir, [0]),
      () => time([jest, '--ci', `--cacheDirectory=${mapsanCache}`], dir, [1]),
    );
  }

  // --- Vitest ---------------------------------------------------------------------------------------
  {
    const dir = join(root, 'examples/vitest');
    install(dir);
    const vitest = join(dir, 'node_modules/vitest/vitest.mjs');
    const plainConfig = join(scratch, 'vitest.plain.config.mjs');
    writeFileSync(plainConfig, 'export default { test: {} };\n');
    measure(
      'vitest',
      () => time([vitest, 'run', `--config=${plainConfig}`, `--root=${dir}`], dir, [0]),
      () => time([vitest, 'run'], dir, [1]),
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
