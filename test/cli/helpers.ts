// Shared by test/cli: runs the built CLI / register hook in child processes on copies of
// test/fixtures/cli. Needs `npm run build` first.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'mapsan.js');
export const REGISTER = join(ROOT, 'dist', 'src', 'register.js');
export const REGISTER_URL = pathToFileURL(REGISTER).href;
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');
const REAL_PLUGIN = join(ROOT, 'dist', 'plugin', 'index.js');
const PLACEHOLDER_PLUGIN = join(FIXTURES, 'placeholder-plugin.js');

if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js')) || !existsSync(REGISTER)) {
  throw new Error('test/cli runs the built CLI: run `npm run build` first');
}

/** The real plugin once it is built; until then the placeholder in test/fixtures/cli. */
export const USING_PLACEHOLDER = !existsSync(REAL_PLUGIN);

/**
 * Node binaries to run the loader tests with: this one, plus any in MAPSAN_TEST_NODE
 * (comma-separated paths, e.g. the Node 24 binary from `npx -y node@24 -p process.execPath`).
 */
export const NODES: string[] = [
  process.execPath,
  ...(process.env.MAPSAN_TEST_NODE ?? '').split(',').map((s) => s.trim()).filter(Boolean),
];

const temps: string[] = [];
export function tempDir(prefix = 'mapsan-cli-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function cleanTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh copy of the fixtures (outside the mapsan tree, as a user's project would be). */
export function copyFixtures(): string {
  const d = tempDir('mapsan-fx-');
  cpSync(FIXTURES, d, { recursive: true });
  return d;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  node?: string;
  /** Written to the program's stdin. */
  input?: string;
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('MAPSAN_') && k !== 'MAPSAN_TEST_NODE') delete env[k];
  delete env.NODE_OPTIONS;
  if (USING_PLACEHOLDER) env.MAPSAN_PLUGIN = PLACEHOLDER_PLUGIN;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function done(r: SpawnSyncReturns<string>): Result {
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** node <args> */
export function node(args: string[], opts: RunOptions): Result {
  return done(spawnSync(opts.node ?? process.execPath, args, { cwd: opts.cwd, env: baseEnv(opts.env), encoding: 'utf8', input: opts.input }));
}

/** node bin/mapsan.js <args> */
export function mapsan(args: string[], opts: RunOptions): Result {
  return node([BIN, ...args], opts);
}

/** The same, started asynchronously (for signal tests). */
export function mapsanAsync(args: string[], opts: RunOptions) {
  return spawn(opts.node ?? process.execPath, [BIN, ...args], { cwd: opts.cwd, env: baseEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}

/** `mapsan: cache hit|miss <file>` lines (MAPSAN_DEBUG=cache) for files under `dir`. */
export function cacheEvents(stderr: string, dir: string): { hit: string[]; miss: string[] } {
  const hit: string[] = [];
  const miss: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^mapsan: cache (hit|miss) (.*)$/.exec(line);
    if (!m || !m[2].startsWith(dir)) continue;
    (m[1] === 'hit' ? hit : miss).push(m[2].slice(dir.length + 1));
  }
  return { hit, miss };
}
