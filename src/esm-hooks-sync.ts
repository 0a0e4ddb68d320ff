// The ES module hooks of esm-hooks.mts, run synchronously in the thread itself through
// `module.registerHooks` (Node >= 22.15 / 23.5) instead of on Node's hooks thread through
// `module.register`. Same decisions, same results; register.ts picks this on Node >= 24.
//
// Why: `module.register` starts Node's hooks thread and blocks until it has loaded the hooks module,
// 35-60 ms of every startup (measured on Node 20.20 and 24.21, `waitForWorker`); registerHooks costs
// well under 1 ms. Only on Node >= 24, the versions this is tested on (the hooks API changed through
// 22.x and 23.x).
//
// Hooks registered this way also run for `require()` (the CommonJS loader), which
// `module.register` hooks do not on Node 24: those calls (their conditions have no "import") go
// straight to the next hook, so CommonJS keeps its own resolution and pirates (register.ts) keeps
// transforming it, exactly as before. Hooks never cross threads; each worker runs register.js itself.
//
// The cost moves: with any hook registered, Node takes its slower hooked path for every require
// (measured on 24.21, 500 small CommonJS files from node_modules: +46 ms over plain node, against
// +76 ms with module.register), and an ES module loads without a round trip to the hooks thread
// (500 ES modules: +42 ms against +210 ms). Past a few thousand CommonJS modules the hooks thread
// would be the cheaper of the two.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOwnFile } from './paths.js';

const TS = new Set(['.ts', '.mts', '.cts']);
const NODE_MODULES = /[\\/]node_modules[\\/]/;
const JS_TO_TS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

interface LoadContext { format?: string | null; conditions?: string[]; importAttributes?: Record<string, string> }
interface LoadResult { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }
type NextLoad = (url: string, context?: LoadContext) => LoadResult;
interface ResolveContext { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean; importAttributes?: Record<string, string> }
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;

/** The ESM loader asks with the "import" condition; the CommonJS loader (require) without. */
const fromImport = (context: { conditions?: string[] }) => context.conditions?.includes('import') === true;

/** Entry points (resolved with no parent): the main script, a worker's script. */
const entries = new Set<string>();

function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult {
  if (!fromImport(context)) return nextResolve(specifier, context);
  try {
    const resolved = nextResolve(specifier, context);
    if (context.parentURL === undefined) entries.add(resolved.url);
    return resolved;
  } catch (e) {
    const parent = context.parentURL;
    const ext = extname(specifier);
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !parent || !TS.has(extname(parent)) ||
        !/^\.{1,2}\//.test(specifier) || !(ext in JS_TO_TS)) {
      throw e;
    }
    try {
      return nextResolve(specifier.slice(0, -ext.length) + JS_TO_TS[ext], context);
    } catch {
      throw e;
    }
  }
}

function text(source: LoadResult['source']): string {
  if (typeof source === 'string') return source;
  return new TextDecoder().decode(source as ArrayBuffer | Uint8Array);
}

function load(url: string, context: LoadContext, nextLoad: NextLoad): LoadResult {
  if (!fromImport(context) || !url.startsWith('file:')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const ext = extname(filename);
  const skip = isOwnFile(filename) || NODE_MODULES.test(filename);

  if (TS.has(ext) && !skip) {
    const { packageType } = require('./package-type.js') as typeof import('./package-type.js');
    const type = ext === '.mts' ? 'module' : ext === '.cts' ? 'commonjs' : packageType(filename);
    if (type === 'commonjs') return { format: 'commonjs', source: null, shortCircuit: true };
    const source = readFileSync(filename, 'utf8');
    // 'none' (.ts, no "type"): parse unambiguously; a file with import/export is a module.
    const out = transform(source, filename, type === 'module' ? 'module' : 'commonjs', url);
    if (type === 'none' && out.sourceType !== 'module') return { format: 'commonjs', source: null, shortCircuit: true };
    return { format: 'module', source: out.code, shortCircuit: true };
  }

  const loaded = nextLoad(url, context);
  if (skip || loaded.format !== 'module' || loaded.source == null) return loaded;
  const out = transform(text(loaded.source), filename, 'module', url);
  return { ...loaded, format: 'module', source: out.code, shortCircuit: true };
}

/**
 * As in esm-hooks.mts: a syntax error in an entry becomes a module that throws it; in an imported
 * module it is thrown, failing the import while the graph loads.
 */
function transform(source: string, filename: string, format: 'commonjs' | 'module', url: string): { code: string; sourceType: string } {
  const t = require('./transform.js') as typeof import('./transform.js');
  try {
    return t.transform(source, filename, { format });
  } catch (e) {
    if (!t.isMapsanSyntaxError(e)) throw e;
    if (entries.has(url)) return { code: t.syntaxErrorModule(e, source), sourceType: 'module' };
    throw withoutFrames(e);
  }
}

/**
 * The same error, created with no stack frames. Node prints an uncaught error with a header that
 * shows the source line V8 locates it at, taken from the first frame of the stack captured when the
 * error was created: here a line of transform.ts. From the hooks thread (esm-hooks.mts) the error is
 * re-created in Node's internals; here it gets no header, and its `stack` text (Babel's message and
 * code frame, one frame at the error's position) is all that is printed.
 */
function withoutFrames(e: Error): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let fresh: Error;
  try {
    fresh = new SyntaxError(e.message);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const key of Object.getOwnPropertyNames(e)) {
    if (key !== 'message') Object.defineProperty(fresh, key, Object.getOwnPropertyDescriptor(e, key)!);
  }
  return fresh;
}

export type RegisterHooks = (hooks: { resolve: typeof resolve; load: typeof load }) => unknown;

export function registerSyncHooks(registerHooks: RegisterHooks): void {
  registerHooks({ resolve, load });
}
