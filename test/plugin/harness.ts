// Shared helpers for the plugin tests: both Babel majors, the built plugin, and running a program
// plain and instrumented (against the pass-through stub runtime) to compare what it does.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import * as vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const ROOT = path.resolve(here, '../..');
export const PLUGIN = path.join(ROOT, 'dist/plugin/index.js');
export const STUB = path.join(here, 'stub-runtime.cjs');
/** Programs "live" here: inside the repository, outside node_modules and dist. */
export const FIXTURE_FILE = path.join(ROOT, 'test/fixtures/plugin/program.js');

export interface Babel {
  version: string;
  transformSync(code: string, options: object): { code?: string | null; map?: any } | null;
}

function loadBabel(name: string): Babel {
  const mod = require(name);
  return (typeof mod.transformSync === 'function' ? mod : mod.default) as Babel;
}

export const BABELS: [string, Babel][] = [
  ['Babel 7', loadBabel('@babel/core')],
  ['Babel 8', loadBabel('@babel/core-8')],
];

export function plugin() {
  return require(PLUGIN);
}

export interface TransformOptions {
  filename?: string;
  sourceType?: 'module' | 'script' | 'unambiguous';
  pluginOptions?: object;
  babel?: object;
}

export function instrument(babel: Babel, code: string, o: TransformOptions = {}): string {
  const result = babel.transformSync(code, {
    filename: o.filename ?? FIXTURE_FILE,
    configFile: false,
    babelrc: false,
    sourceType: o.sourceType ?? 'script',
    plugins: [[PLUGIN, { runtime: STUB, ...o.pluginOptions }]],
    ...o.babel,
  });
  return result!.code!;
}

export interface Outcome {
  stdout: string[];
  error?: { name: string; message: string };
}

export interface Run extends Outcome {
  /** Runtime calls made, in order (instrumented runs only). */
  log: string[];
  sites: unknown[];
  files: string[];
}

function describeError(e: unknown): { name: string; message: string } {
  if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
    const err = e as { constructor?: { name?: string }; message?: unknown };
    return { name: String(err.constructor?.name), message: String(err.message) };
  }
  return { name: typeof e, message: String(e) };
}

const stubSource = fs.readFileSync(STUB, 'utf8');

/**
 * Runs a script in a fresh context. A program that sets `__done` to a promise is awaited, and a
 * rejection counts as its exception.
 */
export async function runScript(code: string): Promise<Run> {
  const stdout: string[] = [];
  const context = vm.createContext({
    console: { log: (...args: unknown[]) => stdout.push(util.format(...args)) },
    setTimeout,
    setImmediate,
    queueMicrotask,
  });
  const stubModule = { exports: {} as Record<string, unknown> };
  vm.runInContext(`(function (module, exports) {${stubSource}\n})`, context)(stubModule, stubModule.exports);
  context.require = (id: string) => {
    if (id === STUB) return stubModule.exports;
    throw new Error(`unexpected require(${JSON.stringify(id)})`);
  };
  let error: Outcome['error'];
  try {
    vm.runInContext(code, context, { filename: FIXTURE_FILE });
    if (context.__done) await context.__done;
    await new Promise((resolve) => setTimeout(resolve, 5));
  } catch (e) {
    error = describeError(e);
  }
  const stub = stubModule.exports as { log: string[]; sites: unknown[]; files: string[] };
  return { stdout, error, log: [...stub.log], sites: [...stub.sites], files: [...stub.files] };
}

/** Runs an ES module in a child node (vm modules need a flag); the stub prints its log. */
export function runModule(code: string, name = 'program.mjs'): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mapsan-plugin-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, code);
  try {
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, MAPSAN_STUB_LOG: '1' } });
    const logLine = /^MAPSAN_STUB_LOG (.*)$/m.exec(child.stderr);
    const thrown = /^(\w*Error): (.*)$/m.exec(child.stderr);
    return {
      stdout: child.stdout.split('\n').filter((l) => l !== ''),
      error: child.status === 0 ? undefined : { name: thrown?.[1] ?? 'exit', message: thrown?.[2] ?? child.stderr },
      log: logLine ? JSON.parse(logLine[1]) : [],
      sites: [],
      files: [],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** True when `expected` occurs in `log` in this order (other calls may come in between). */
export function inOrder(log: string[], expected: string[]): boolean {
  let i = 0;
  for (const entry of log) if (entry === expected[i]) i++;
  return i === expected.length;
}
