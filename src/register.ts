// mapsan/register: `node --require mapsan/register app.js` or `node --import mapsan/register app.mjs`.
//
// Runs once per thread (main thread and every worker: workers inherit execArgv, so the preload runs
// again in each of them, and hooks never cross threads). In order:
//   1. MAPSAN_OPTIONS is validated (a bad value: its one-line message on stderr, exit 2);
//   2. the runtime (dist/runtime/index.js) is required, so its hooks and exit handling start before
//      user code;
//   3. CommonJS: a pirates hook on Module._extensions for .js .cjs .ts .cts .mts;
//   4. ES modules: module.register('./esm-hooks.mjs') (a load hook on Node's hooks thread), in the
//      main thread of a program run from a file only once an ES module may load
//      (esm-on-demand.ts), or on Node >= 24 the same hooks in this thread through
//      module.registerHooks (esm-hooks-sync.ts);
//   5. in the main thread, transform.js (what a transform-cache hit needs, not Babel) is loaded;
//   6. source maps on (enableSourceMaps), before any instrumented module loads, so stacks show
//      original lines (enabling them later does nothing for modules already loaded).
// Source maps come last on purpose: while they are on, Node reads and parses the .map file of every
// module it compiles outside node_modules (of every module before Node 22.14), 5-10 ms for mapsan's
// own ~45 modules on every start when mapsan is not installed in node_modules; their frames are
// dropped from reports anyway (report/stack.ts works on raw call sites), so they show as dist/*.js
// positions wherever they still appear (an internal error).
// Babel and the plugin load lazily, on the first file transformed (a cache miss), and a worker loads
// transform.js on its first file, so a worker that loads no user module of its own stays cheap.

import { existsSync, writeSync } from 'node:fs';
import Module from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as workerThreads from 'node:worker_threads';
import { addHook } from 'pirates';
import { OptionsError, parseOptions } from '../runtime/options.js';
import { debugLine } from './debug.js';
import { ESM_HOOKS_PATH, isOwnFile, RUNTIME_PATH } from './paths.js';

const REGISTERED = Symbol.for('mapsan.register');

/**
 * True in Node's internal module-hooks thread (the thread `module.register()` hooks run on). On
 * Node 20 that thread runs the `--require` preloads too, and registering hooks from there would
 * recurse, so mapsan does nothing in it.
 *
 * - Node >= 22.14 / 23.7 exports `worker_threads.isInternalThread`: use it when it is a boolean.
 * - Node 20.19+ (no such export): the hooks thread is an `InternalWorker` started with
 *   `doEval: 'internal'`; the worker bootstrap (lib/internal/main/worker_thread.js) assigns the
 *   public `parentPort`/`workerData` only when `doEval !== 'internal'`, and does so *before* it runs
 *   the preload modules. So during a preload a user `Worker` (eval or file) always sees a
 *   MessagePort in `parentPort`, the hooks thread sees `null`, and the main thread is
 *   `isMainThread`. Measured on Node 20.20.2 and 24.21.0 (both signals agree on 24).
 */
function isLoaderHooksThread(): boolean {
  const internal = (workerThreads as { isInternalThread?: unknown }).isInternalThread;
  if (typeof internal === 'boolean') return internal;
  return !workerThreads.isMainThread && workerThreads.parentPort === null;
}

function fail(message: string, code: number): never {
  try { writeSync(2, message + '\n'); } catch { /* stderr closed */ }
  process.exit(code);
}

function startRuntime(): void {
  // The engine may not be built yet while mapsan itself is being developed.
  if (!existsSync(RUNTIME_PATH)) return;
  require(RUNTIME_PATH);
}

/** Format for a file reached through CommonJS `require` (or Node's CJS main-entry loader). */
function cjsFormat(filename: string): 'commonjs' | 'module' {
  const ext = extname(filename);
  if (ext === '.mts') return 'module';
  if (ext === '.ts' || ext === '.js') {
    // In a "type": "module" package these are ES modules even when require() loads them
    // (require(esm)); Node 20 also runs a .ts entry through this loader first.
    const { packageType } = require('./package-type.js') as typeof import('./package-type.js');
    if (packageType(filename) === 'module') return 'module';
  }
  return 'commonjs';
}

let busy = false;
function installCommonJS(): void {
  addHook(
    (code, filename) => {
      // Files required while a transform runs (Babel, the preset, a plugin outside node_modules)
      // load as they are: transforming them would re-enter the transform.
      if (busy) return code;
      busy = true;
      try {
        const t = require('./transform.js') as typeof import('./transform.js');
        try {
          return t.transform(code, filename, { format: cjsFormat(filename) }).code;
        } catch (e) {
          if (t.isMapsanSyntaxError(e)) return t.syntaxErrorModule(e, code);
          throw e;
        }
      } finally {
        busy = false;
      }
    },
    {
      // .mts: on Node 20, `node --require mapsan/register main.mts` runs the entry through the
      // CommonJS loader. The hook turns it into JavaScript that always has module syntax (the
      // transform adds `export {}` for format 'module'), so Node's syntax detection hands the file
      // to the ESM loader, where esm-hooks.mjs loads it again (a cache hit) as a real module.
      exts: ['.js', '.cjs', '.ts', '.cts', '.mts'],
      ignoreNodeModules: true,
      matcher: (filename) => !isOwnFile(filename),
    },
  );
}

function installESM(): void {
  const M = Module as unknown as {
    register?: (specifier: string, parentURL: string | URL, options?: object) => void;
    registerHooks?: import('./esm-hooks-sync.js').RegisterHooks;
  };
  // Node >= 24: the same hooks in this thread (esm-hooks-sync.ts says why); module.register starts
  // Node's hooks thread and waits for it (35-60 ms of startup), so before Node 24 it is registered
  // on demand (esm-on-demand.ts).
  if (typeof M.registerHooks === 'function' && Number(process.versions.node.split('.')[0]) >= 24) {
    (require('./esm-hooks-sync.js') as typeof import('./esm-hooks-sync.js')).registerSyncHooks(M.registerHooks);
    return;
  }
  const register = M.register;
  if (typeof register !== 'function') return; // Node < 20.6; engines says >= 20.19
  const registerHooks = (why: string) => {
    debugLine('esm', `ES module hooks registered ${why}`);
    register(pathToFileURL(ESM_HOOKS_PATH).href, pathToFileURL(__filename));
  };
  const onDemand = require('./esm-on-demand.js') as typeof import('./esm-on-demand.js');
  const pirates = require.resolve('pirates');
  const ours = (filename: string) => isOwnFile(filename) || filename === pirates;
  const unseen = onDemand.loaderReachableUnseen(ours);
  if (unseen !== null) registerHooks(unseen);
  else onDemand.registerOnDemand(registerHooks, ours);
}

function install(): void {
  try {
    parseOptions(process.env.MAPSAN_OPTIONS);
  } catch (e) {
    if (e instanceof OptionsError) fail(e.message, 2);
    throw e;
  }
  startRuntime();
  installCommonJS();
  installESM();
  if (workerThreads.isMainThread) {
    // The main thread always goes on to a program of the user's; loaded here, before source maps.
    require('./transform.js');
    require('./package-type.js');
  }
  enableSourceMaps();
}

type SourceMapsSupport = {
  getSourceMapsSupport?: () => { enabled: boolean };
  setSourceMapsSupport?: (enabled: boolean, options?: { nodeModules?: boolean }) => void;
};

/**
 * Source maps for the files mapsan transforms. Where Node can leave node_modules out
 * (module.setSourceMapsSupport, Node >= 22.14), it is left out, as in plain node: mapsan never
 * transforms a file there, and with it in, Node reads, parses and indexes the .map of every package
 * file it loads (`require('@babel/core')`, ~200 files that ship maps, Node 24: 197 → 170 ms, plain
 * node 129) and maps the stacks of errors thrown there, which plain node prints unmapped. (Eval'd
 * code with a sourceMappingURL is mapped whenever maps are on: Node 24.21 has no working switch for
 * it.) A program run with --enable-source-maps, or that turned maps on before mapsan loaded, keeps
 * its own setting.
 */
function enableSourceMaps(): void {
  const { getSourceMapsSupport, setSourceMapsSupport } = Module as unknown as SourceMapsSupport;
  if (typeof setSourceMapsSupport !== 'function' || typeof getSourceMapsSupport !== 'function') {
    process.setSourceMapsEnabled(true);
    return;
  }
  if (!getSourceMapsSupport().enabled) setSourceMapsSupport(true, { nodeModules: false });
}

const state = globalThis as { [REGISTERED]?: boolean };
if (!state[REGISTERED] && !isLoaderHooksThread()) {
  state[REGISTERED] = true;
  install();
}
