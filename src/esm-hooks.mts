// ESM load hooks, registered by register.js with module.register(); they run on Node's hooks thread.
//
// load:
// - .mts, .ts and .cts files are handled here on every Node version, without calling nextLoad
//   (Node 20 cannot load them at all: ERR_UNKNOWN_FILE_EXTENSION; Node 24 strips types itself but
//   would then hand CommonJS TypeScript to its ESM-side CJS loader, bypassing pirates). The format
//   is decided as Node 24 does: .mts module, .cts commonjs, .ts by the nearest package.json "type",
//   and without one by syntax (import/export → module). Modules are transformed here and returned
//   as `format: 'module'`; CommonJS is returned with no source, which makes Node load it with the
//   monkey-patchable CommonJS loader, where pirates (register.js) transforms it.
// - other file: URLs go to nextLoad first; a `module` result is transformed, anything else
//   (commonjs with null source, json, builtin, wasm) is returned untouched.
// resolve: a relative `./x.js` import from a TypeScript file that does not exist falls back to
// ./x.ts (and .mjs → .mts, .cjs → .cts), as tsc's NodeNext resolution allows.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TransformModule from './transform.js';
import type * as PackageTypeModule from './package-type.js';
import type * as PathsModule from './paths.js';

const require = createRequire(import.meta.url);
const { isOwnFile } = require('./paths.js') as typeof PathsModule;
let transformModule: typeof TransformModule | undefined;
// Loaded on the first file: an idle hooks thread (a worker that imports nothing) stays cheap.
const transformer = () => (transformModule ??= require('./transform.js') as typeof TransformModule);

const TS = new Set(['.ts', '.mts', '.cts']);
const NODE_MODULES = /[\\/]node_modules[\\/]/;

interface LoadContext { format?: string | null; conditions?: string[]; importAttributes?: Record<string, string> }
interface LoadResult { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean; responseURL?: string }
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;
interface ResolveContext { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean; importAttributes?: Record<string, string> }
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;

const JS_TO_TS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

/** Entry points (resolved with no parent): the main script, a worker's script. */
const entries = new Set<string>();

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    const resolved = await nextResolve(specifier, context);
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
      return await nextResolve(specifier.slice(0, -ext.length) + JS_TO_TS[ext], context);
    } catch {
      throw e;
    }
  }
}

function text(source: LoadResult['source']): string {
  if (typeof source === 'string') return source;
  return new TextDecoder().decode(source as ArrayBuffer | Uint8Array);
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const ext = extname(filename);
  const skip = isOwnFile(filename) || NODE_MODULES.test(filename);

  if (TS.has(ext) && !skip) {
    const { packageType } = require('./package-type.js') as typeof PackageTypeModule;
    const type = ext === '.mts' ? 'module' : ext === '.cts' ? 'commonjs' : packageType(filename);
    if (type === 'commonjs') return { format: 'commonjs', source: null, shortCircuit: true };
    const source = await readFile(filename, 'utf8');
    // 'none' (.ts, no "type"): parse unambiguously; a file with import/export is a module.
    const out = transform(source, filename, type === 'module' ? 'module' : 'commonjs', url);
    if (type === 'none' && out.sourceType !== 'module') return { format: 'commonjs', source: null, shortCircuit: true };
    return { format: 'module', source: out.code, shortCircuit: true };
  }

  const loaded = await nextLoad(url, context);
  if (skip || loaded.format !== 'module' || loaded.source == null) return loaded;
  const out = transform(text(loaded.source), filename, 'module', url);
  return { ...loaded, format: 'module', source: out.code, shortCircuit: true };
}

/**
 * A syntax error Babel finds: in an entry point, the module becomes one that throws it (see
 * syntaxErrorModule: Node then prints `file:line`, the line and a caret, as for its own syntax
 * errors). In an imported module the error is thrown from here instead, so that it fails the
 * import while the graph loads, before anything runs, as a real syntax error does (a stand-in
 * module would first fail the importer's named imports); Node prints it after the internal frame
 * that rethrows errors from the hooks thread.
 */
function transform(source: string, filename: string, format: 'commonjs' | 'module', url: string): { code: string; sourceType: string } {
  const t = transformer();
  try {
    return t.transform(source, filename, { format });
  } catch (e) {
    if (t.isMapsanSyntaxError(e) && entries.has(url)) return { code: t.syntaxErrorModule(e, source), sourceType: 'module' };
    throw e;
  }
}
