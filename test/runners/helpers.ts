// Runs real Jest and real Vitest on examples/jest and examples/vitest, installed from the npm
// registry by the tests themselves (node_modules of the examples and of installs/* are not
// committed). Other runner versions (installs/<name>/package.json) run a temporary copy of the
// example's files whose node_modules is a link to that install.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = resolve(__dirname, '../..');
export const EXAMPLES = join(ROOT, 'examples');
export const INSTALLS = join(__dirname, 'installs');
export const FIXTURES = join(__dirname, 'fixtures');

/** Installs can take a while from a cold npm cache. */
export const INSTALL_TIMEOUT = 600_000;
export const RUN_TIMEOUT = 120_000;

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment of a child test runner: none of the outer Vitest's variables, no colour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|__VITEST|TINYPOOL|JEST_WORKER_ID|NODE_OPTIONS|MAPSAN_)/.test(k) || k === 'NODE_ENV') continue;
    env[k] = v;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1', ...extra };
}

/** `npm install` in `dir` from its package.json (and lockfile); a no-op when already installed. */
export function install(dir: string): void {
  const r = spawnSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT,
  });
  if (r.status !== 0) throw new Error(`npm install in ${dir} failed (${r.status ?? r.signal}): ${r.stderr}`);
}

/** A temporary copy of a project's own files (an example, a fixture), with node_modules linked to
 *  `modules` (an install of the runner version under test). */
export function copyProject(from: string, modules: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mapsan-runner-'));
  for (const name of readdirSync(from)) {
    if (name === 'node_modules' || name === 'package-lock.json') continue;
    cpSync(join(from, name), join(dir, name), { recursive: true });
  }
  symlinkSync(modules, join(dir, 'node_modules'), 'dir');
  return dir;
}

export function removeCopy(dir: string): void {
  if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The runner's JSON report (Jest --json, Vitest --reporter=json). */
  json: RunnerJson;
}

export interface RunnerJson {
  numFailedTests: number;
  numPassedTests: number;
  numFailedTestSuites: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** Runs `node <bin> args` in `cwd` with a Node binary (default: this one) and reads `jsonFile`. */
export function runNode(bin: string, args: string[], cwd: string, jsonFile: string, node = process.execPath): Run {
  rmSync(jsonFile, { force: true });
  const r = spawnSync(node, [bin, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout: RUN_TIMEOUT });
  if (!existsSync(jsonFile)) throw new Error(`no JSON report from ${bin} ${args.join(' ')} (status ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as RunnerJson;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/** Line numbers (1-based) of the lines of `file` that contain `text`. */
export function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`'${text}' not found in ${file}`);
  return i + 1;
}

/** The assertion results of a run, by test title. */
export function byTitle(json: RunnerJson): Map<string, { status: string; failureMessages: string[] }> {
  const out = new Map<string, { status: string; failureMessages: string[] }>();
  for (const file of json.testResults) for (const a of file.assertionResults) out.set(a.title, a);
  return out;
}

/** Node >= 22.12, which Vitest 5 needs. */
export function nodeAtLeast(major: number, minor: number): boolean {
  const [a, b] = process.versions.node.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** A temporary folder for the test file's runs, made before its tests and removed after them. */
export function scratchDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
