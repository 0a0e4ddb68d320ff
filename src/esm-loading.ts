// The decisions of the ES module hooks, shared by both ways of running them: esm-hooks.mts (async,
// on Node's hooks thread through module.register) and esm-hooks-sync.ts (in the thread itself
// through module.registerHooks). Those two only call the next hook and read files, each in its own
// way (awaited or not); everything they decide is decided here, so the two cannot drift apart.
//
// Transform is required on the first file that needs it: an idle hooks thread (a worker that
// imports nothing) stays cheap.

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOwnFile } from './paths.js';

export interface LoadContext { format?: string | null; conditions?: string[]; importAttributes?: Record<string, string> }
export interface LoadResult { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean; responseURL?: string }
export interface ResolveContext { parentURL?: string; conditions?: string[]; importAttributes?: Record<string, string> }
export interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean; importAttributes?: Record<string, string> }

const TS = new Set(['.ts', '.mts', '.cts']);
const NODE_MODULES = /[\\/]node_modules[\\/]/;
export const JS_TO_TS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

/** Entry points (resolved with no parent): the main script, a worker's script. */
const entries = new Set<string>();

/** Notes what the next resolve hook found; an entry point may later get a syntax-error module. */
export function resolved(result: ResolveResult, context: ResolveContext): ResolveResult {
  if (context.parentURL === undefined) entries.add(result.url);
  return result;
}

/**
 * The specifier to try instead when resolving `specifier` failed with `error`, or null to rethrow:
 * a relative `./x.js` import from a TypeScript file that does not exist falls back to ./x.ts (and
 * .mjs → .mts, .cjs → .cts), as tsc's NodeNext resolution allows.
 */
export function typeScriptSpecifier(error: unknown, specifier: string, context: ResolveContext): string | null {
  const parent = context.parentURL;
  const ext = extname(specifier);
  if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !parent || !TS.has(extname(parent)) ||
      !/^\.{1,2}\//.test(specifier) || !(ext in JS_TO_TS)) {
    return null;
  }
  return specifier.slice(0, -ext.length) + JS_TO_TS[ext];
}

/** What load does with a URL, decided before any source is read. */
export type LoadPlan =
  /** Not a file (builtin, data:): the next hook's business alone. */
  | { kind: 'next' }
  /** Answered without source: CommonJS TypeScript, for the CommonJS loader and pirates. */
  | { kind: 'done'; result: LoadResult }
  /** TypeScript, loaded by the next hook or else read here; 'none' is a .ts with no package "type". */
  | { kind: 'typescript'; filename: string; type: 'module' | 'none' }
  /** Any other file: the next hook loads it, and a module it returns may be transformed. */
  | { kind: 'loaded'; filename: string; skip: boolean };

/** No source: Node loads the file with its CommonJS loader. */
const commonjs = (): LoadResult => ({ format: 'commonjs', source: null, shortCircuit: true });

/**
 * .mts, .ts and .cts files: the format is decided as Node 24 does: .mts module, .cts commonjs, .ts
 * by the nearest package.json "type", and without one by syntax (see typeScriptLoaded). CommonJS
 * TypeScript is answered without the next hook (Node 24 would hand it to its ESM-side CJS loader,
 * bypassing pirates); the rest goes to the next hook first (typeScriptResult). mapsan's own
 * files and node_modules are never transformed.
 */
export function planLoad(url: string, context: LoadContext): LoadPlan {
  if (!url.startsWith('file:')) return { kind: 'next' };
  const filename = fileURLToPath(url);
  const ext = extname(filename);
  const skip = isOwnFile(filename) || NODE_MODULES.test(filename);
  if (!TS.has(ext) || skip) return { kind: 'loaded', filename, skip };
  const { packageType } = require('./package-type.js') as typeof import('./package-type.js');
  // A hook before mapsan that asks for a module (tsx does, of a .ts in a package with no "type")
  // gets one, as from Node's default load.
  const asked = context.format === 'module' || context.format === 'module-typescript';
  const type = ext === '.mts' || asked ? 'module' : ext === '.cts' ? 'commonjs' : packageType(filename);
  if (type === 'commonjs') return { kind: 'done', result: commonjs() };
  return { kind: 'typescript', filename, type };
}

/**
 * Whether the next hooks' error, loading a TypeScript file, means that no loader before mapsan
 * compiles TypeScript: Node 20 (and 22 without type stripping) knows no .ts extension. mapsan then
 * reads the file and strips the types itself. Any other error is a loader's own, and stands.
 */
export function noTypeScriptLoader(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION';
}

/**
 * Whether what the next hooks returned for a TypeScript file may be either JavaScript a loader
 * compiled or the file's own text (Node's default load reports 'module' for raw TypeScript when a
 * loader's resolve hook said so): only then is the file read to tell them apart.
 */
export function needsFileText(loaded: LoadResult): boolean {
  return loaded.source != null && (loaded.format === 'module' || loaded.format === 'commonjs');
}

/**
 * The result for a TypeScript file of plan `typescript`, given what the next hooks returned (when
 * nothing before mapsan loads TypeScript, the hooks pass the file's text with no format) and, where
 * needsFileText says so, the file's text. A loader registered before mapsan (tsx, tsimp, ts-node)
 * returns JavaScript it compiled, with its own handling of decorators, enums and tsconfig: that is
 * instrumented as it is, in the format the loader chose (its inline source map keeps reports on the
 * .ts lines). TypeScript source (the file's own text, Node >= 22.7's 'module-typescript') is
 * stripped here.
 */
export function typeScriptResult(loaded: LoadResult, fileText: string | undefined, plan: { filename: string; type: 'module' | 'none' },
                                 url: string, thrown: (e: Error) => Error): LoadResult {
  if (loaded.source == null) return loaded;
  const source = text(loaded.source);
  const format = loaded.format;
  if ((format === 'module' || format === 'commonjs') && source !== fileText) {
    return { ...loaded, source: transform(source, plan.filename, format, url, thrown, true).code, shortCircuit: true };
  }
  if (format == null || format === 'module' || format === 'commonjs' || format === 'module-typescript' || format === 'commonjs-typescript') {
    return typeScriptLoaded(source, plan, url, thrown);
  }
  return loaded;
}

/**
 * The result for a TypeScript file of plan `typescript`, given its source. Modules are returned as
 * `format: 'module'`; CommonJS with no source, which makes Node load it with the monkey-patchable
 * CommonJS loader, where pirates (register.js) transforms it.
 */
function typeScriptLoaded(source: string, plan: { filename: string; type: 'module' | 'none' }, url: string,
                          thrown: (e: Error) => Error): LoadResult {
  // 'none' (.ts, no "type"): parse unambiguously; a file with import/export is a module.
  const out = transform(source, plan.filename, plan.type === 'module' ? 'module' : 'commonjs', url, thrown);
  if (plan.type === 'none' && out.sourceType !== 'module') return commonjs();
  return { format: 'module', source: out.code, shortCircuit: true };
}

/**
 * The result for a file of plan `loaded`, given what the next hook returned: a module is
 * transformed, anything else (commonjs with null source, json, builtin, wasm) returned untouched.
 */
export function nextLoaded(loaded: LoadResult, plan: { filename: string; skip: boolean }, url: string,
                           thrown: (e: Error) => Error): LoadResult {
  if (plan.skip || loaded.format !== 'module' || loaded.source == null) return loaded;
  const out = transform(text(loaded.source), plan.filename, 'module', url, thrown);
  return { ...loaded, format: 'module', source: out.code, shortCircuit: true };
}

function text(source: LoadResult['source']): string {
  if (typeof source === 'string') return source;
  return new TextDecoder().decode(source as ArrayBuffer | Uint8Array);
}

/**
 * A syntax error Babel finds: in an entry point, the module becomes one that throws it (see
 * syntaxErrorModule: Node then prints `file:line`, the line and a caret, as for its own syntax
 * errors). In an imported module the error is thrown from here instead, so that it fails the
 * import while the graph loads, before anything runs, as a real syntax error does (a stand-in
 * module would first fail the importer's named imports). `thrown` readies it for how the hooks
 * run: each way makes Node print it differently.
 */
function transform(source: string, filename: string, format: 'commonjs' | 'module', url: string,
                   thrown: (e: Error) => Error, compiled = false): { code: string; sourceType: string } {
  const t = require('./transform.js') as typeof import('./transform.js');
  try {
    return t.transform(source, filename, { format, compiled });
  } catch (e) {
    if (!t.isMapsanSyntaxError(e)) throw e;
    if (entries.has(url)) return { code: t.syntaxErrorModule(e, source), sourceType: 'module' };
    throw thrown(e);
  }
}
