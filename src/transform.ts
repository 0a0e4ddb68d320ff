// The one transform every loader uses (pirates for CommonJS, the ESM load hook, later Jest/Vitest).
//
//   transform(source, filename, {format}) -> {code, map, sourceType, instrumented}
//
// Babel (@babel/core resolved from the user's cwd first, then from mapsan's own install) runs with
// no config files, the mapsan plugin and, for .ts/.mts/.cts, @babel/preset-typescript. The output
// carries an inline source map (so `process.setSourceMapsEnabled(true)` maps stacks) composed with
// the input's own map (inline `data:` URL or an adjacent file named by `//# sourceMappingURL=`).
// Results go through the disk cache (cache.ts). A Babel syntax error becomes a SyntaxError that
// prints like one of Node's: `file:line`, then the message with Babel's code frame, no stack.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { cacheEnabled, cacheKey, readCache, writeCache } from './cache.js';
import { isOwnFile, mapsanVersion, PLUGIN_DIR, pluginPath, RUNTIME_PATH } from './paths.js';

export type Format = 'commonjs' | 'module';

export interface TransformOptions {
  /**
   * How Node will run the file. 'module': parsed as an ES module. 'commonjs': parsed as a script
   * unless it has import/export ("unambiguous"), with a top-level `return` allowed.
   */
  format: Format;
  /**
   * The source is JavaScript that another loader compiled from this TypeScript file (tsx, tsimp,
   * ts-node registered before mapsan): it is instrumented as JavaScript, not stripped again.
   */
  compiled?: boolean;
}

export interface TransformResult {
  code: string;
  /** The output's source map (decoded lazily from the inline comment), null when unchanged. */
  readonly map: object | null;
  /** How Babel parsed the file: 'module' when it has import/export (or format was 'module'). */
  sourceType: 'script' | 'module';
  /** False when the source is returned unchanged (mapsan's own files, already instrumented). */
  instrumented: boolean;
}

export const TS_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.cts']);

type Babel = typeof import('@babel/core');
type ParserPlugins = NonNullable<NonNullable<import('@babel/core').TransformOptions['parserOpts']>['plugins']>;

// Syntax mapsan parses and prints back as it is, for a loader that runs after it (ts-node,
// @babel/register) or before it on the original file: decorators and auto-accessors, which Node
// itself cannot run. TC39's decorators first (TypeScript 5's default); see transform() for the other.
const DECORATORS: ParserPlugins = [['decorators', {}], 'decoratorAutoAccessors'];
const LEGACY_DECORATORS: ParserPlugins = ['decorators-legacy', 'decoratorAutoAccessors'];

/** Resolves `name` from the user's cwd first, then from mapsan's own install. */
function resolveFrom(name: string): string {
  try {
    return require.resolve(name, { paths: [process.cwd()] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    return require.resolve(name);
  }
}

/** The version in the nearest package.json named `name` above a resolved entry file. */
function versionOf(entry: string, name: string): string {
  for (let dir = dirname(entry); ; ) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return String(pkg.version);
    } catch {
      // no (readable) package.json here
    }
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}

function hashCode(): string {
  // The plugin changes more often than mapsan's version during development: key on its code.
  const h = createHash('sha256');
  const explicit = process.env.MAPSAN_PLUGIN;
  const files = explicit
    ? [explicit]
    : existsSync(PLUGIN_DIR)
      ? (readdirSync(PLUGIN_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort().map((f) => join(PLUGIN_DIR, f))
      : [];
  // This file too: what it passes to Babel shapes the output as much as the plugin does.
  for (const f of [__filename, ...files]) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

// What the cache key needs is found from package.json files and file contents only: a process
// whose files are all cached never loads Babel (about 70 ms) or the plugin.
interface Toolchain {
  babelPath: string;
  babelVersion: string;
  salt: string;
}
let toolchain: Toolchain | undefined;
function getToolchain(): Toolchain {
  if (toolchain) return toolchain;
  const babelPath = resolveFrom('@babel/core');
  const babelVersion = versionOf(babelPath, '@babel/core');
  const salt = JSON.stringify(['mapsan', mapsanVersion(), 'babel', babelVersion, 'code', hashCode()]);
  return (toolchain = { babelPath, babelVersion, salt });
}

function interop(mod: unknown): unknown {
  return mod && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod;
}

let loaded: { babel: Babel; plugin: unknown } | undefined;
function load(): { babel: Babel; plugin: unknown } {
  if (loaded) return loaded;
  const babel = require(getToolchain().babelPath) as Babel;
  const file = pluginPath();
  if (!existsSync(file)) throw new Error(`mapsan: the Babel plugin ${file} is missing (is mapsan built?)`);
  return (loaded = { babel, plugin: interop(require(file)) });
}

let preset: { path: string; version: string; value?: unknown } | undefined;
function typescriptPreset(): { path: string; version: string; value?: unknown } {
  if (preset) return preset;
  const path = resolveFrom('@babel/preset-typescript');
  const version = versionOf(path, '@babel/preset-typescript');
  const { babelVersion } = getToolchain();
  const major = babelVersion.split('.')[0];
  if (version !== '?' && babelVersion !== '?' && version.split('.')[0] !== major) {
    throw new Error(
      `mapsan: TypeScript needs @babel/preset-typescript ${major}.x to go with @babel/core ${babelVersion}, ` +
        `found ${version}: install @babel/preset-typescript@${major} in your project`,
    );
  }
  return (preset = { path, version });
}

function listEnv(name: string): string[] | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A file whose first statements are mapsan's header (`_ms...= _ms....file(`) is left alone. */
const HEADER = /\b_ms\w*\s*=\s*_ms\w*\.file\(/;
function alreadyInstrumented(source: string): boolean {
  return HEADER.test(source.slice(0, 4096));
}

interface InputMap {
  map: { sources?: string[]; sourceRoot?: string; [k: string]: unknown };
  /** The text of an adjacent map file (part of the cache key), '' for an inline map. */
  external: string;
  /** The source without its sourceMappingURL comment (Babel writes its own). */
  source: string;
}

// Source-map handling loads on first use: a transform-cache hit of a file without a map needs none.
const convert = (): typeof import('convert-source-map') => require('convert-source-map') as typeof import('convert-source-map');

function inputMap(source: string, filename: string): InputMap | undefined {
  if (!source.includes('sourceMappingURL')) return undefined;
  try {
    const inline = convert().fromSource(source);
    if (inline) return { map: absoluteSources(inline.toObject(), dirname(filename)), external: '', source: convert().removeComments(source) };
    let external = '';
    let mapDir = dirname(filename);
    const file = convert().fromMapFileSource(source, (name: string) => {
      const p = resolve(dirname(filename), name);
      mapDir = dirname(p);
      return (external = readFileSync(p, 'utf8'));
    });
    if (file) return { map: absoluteSources(file.toObject(), mapDir), external, source: convert().removeMapFileComments(source) };
  } catch {
    // a missing or broken input map: map the output to the file itself
  }
  return undefined;
}

/** Rewrites `sources` to absolute paths (relative to the map's folder and sourceRoot). */
function absoluteSources(map: InputMap['map'], mapDir: string): InputMap['map'] {
  if (!Array.isArray(map.sources)) return map;
  const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(root)) return map; // a URL root: leave as is
  const sources = map.sources.map((s) => {
    if (typeof s !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(s)) return s;
    return isAbsolute(s) ? s : resolve(mapDir, root, s);
  });
  return { ...map, sources, sourceRoot: undefined };
}

export interface MapsanSyntaxError extends SyntaxError {
  code: 'MAPSAN_SYNTAX_ERROR';
  filename: string;
  loc?: { line: number; column: number };
}

function hidden(target: object, props: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(props)) Object.defineProperty(target, k, { value: v, writable: true, configurable: true, enumerable: false });
}

function formatSyntaxError(e: Error & { loc?: { line: number; column: number } }, filename: string): MapsanSyntaxError {
  // Babel's message is "<filename>: <reason> (line:col)\n\n<code frame>". The stack is that message
  // and one frame at the error's position: nothing from mapsan or Babel.
  const err = new SyntaxError(e.message.startsWith(filename) ? e.message : `${filename}: ${e.message}`) as MapsanSyntaxError;
  const at = e.loc ? `${filename}:${e.loc.line}:${e.loc.column + 1}` : filename;
  hidden(err, { stack: `SyntaxError: ${err.message}\n    at ${at}`, code: 'MAPSAN_SYNTAX_ERROR', filename, loc: e.loc && { line: e.loc.line, column: e.loc.column } });
  return err;
}

export function isMapsanSyntaxError(e: unknown): e is MapsanSyntaxError {
  return e instanceof SyntaxError && (e as { code?: unknown }).code === 'MAPSAN_SYNTAX_ERROR';
}

/**
 * A module body that throws `err` when it runs, for a loader to hand to Node in place of a file
 * Babel could not parse. Its inline source map points the `throw` at the error's position in the
 * original file (with the original text as sourcesContent), so Node prints an uncaught one exactly
 * as its own syntax errors: `file:line`, the offending line, a caret, then the error (here with
 * Babel's code frame) and one stack frame at the error's position; exit status 1. A `require()` or
 * `import` of the file throws it, catchably.
 */
export function syntaxErrorModule(err: MapsanSyntaxError, source: string): string {
  const line = (err.loc?.line ?? 1) - 1;
  const column = err.loc?.column ?? 0;
  const map = {
    version: 3,
    sources: [err.filename],
    sourcesContent: [source],
    names: [],
    mappings: (require('@jridgewell/sourcemap-codec') as typeof import('@jridgewell/sourcemap-codec')).encode([[[0, 0, line, column]]]),
  };
  // The stack is left to V8 (Node 20 drops the `file:line` header of an ES module's error whose
  // stack was replaced), limited to the one frame that the map points at the error's position.
  const body =
    `throw (function () { var l = Error.stackTraceLimit; Error.stackTraceLimit = 1; ` +
    `var e = new SyntaxError(${JSON.stringify(err.message)}); Error.stackTraceLimit = l; return e; })();\n`;
  return body + convert().fromObject(map).toComment() + '\n';
}

function lazyMap(code: string): () => object | null {
  let map: object | null | undefined;
  return () => {
    if (map === undefined) {
      try { map = convert().fromSource(code)?.toObject() ?? null; } catch { map = null; }
    }
    return map ?? null;
  };
}

function result(code: string, sourceType: 'script' | 'module', instrumented: boolean, map?: object | null): TransformResult {
  const getMap = map !== undefined ? () => map : instrumented ? lazyMap(code) : () => null;
  return { code, sourceType, instrumented, get map() { return getMap(); } };
}

export function transform(source: string, filename: string, options: TransformOptions): TransformResult {
  const ext = extname(filename);
  const ts = TS_EXTENSIONS.has(ext) && options.compiled !== true;
  if (isOwnFile(filename) || (!ts && alreadyInstrumented(source))) {
    return result(source, options.format === 'module' ? 'module' : 'script', false);
  }

  const { salt } = getToolchain();
  const input = inputMap(source, filename);
  const include = listEnv('MAPSAN_INCLUDE');
  const exclude = listEnv('MAPSAN_EXCLUDE');
  const tsPreset = ts ? typescriptPreset() : undefined;
  const optionsJson = JSON.stringify({
    format: options.format, include, exclude, runtime: RUNTIME_PATH, ts: tsPreset?.version,
    external: input?.external ? createHash('sha256').update(input.external).digest('hex') : '',
  });

  const useCache = cacheEnabled();
  const key = useCache ? cacheKey(salt, filename, optionsJson, source) : '';
  if (useCache) {
    const hit = readCache(key, filename);
    if (hit) return result(hit.code, hit.sourceType, true);
  }

  const { babel, plugin } = load();
  if (tsPreset) tsPreset.value ??= interop(require(tsPreset.path));
  const pluginOptions: Record<string, unknown> = { runtime: RUNTIME_PATH, version: mapsanVersion() };
  if (include) pluginOptions.include = include;
  if (exclude) pluginOptions.exclude = exclude;
  if (input) pluginOptions.inputSourceMap = input.map;

  let sourceType: 'script' | 'module' = options.format === 'module' ? 'module' : 'script';
  // Records how Babel resolved "unambiguous" (before any plugin rewrites the program).
  const detect = () => ({ visitor: { Program: { enter(path: { node: { sourceType: string } }) { sourceType = path.node.sourceType === 'module' ? 'module' : 'script'; } } } });

  // An ES module with no import/export (a .js file in a "type": "module" package) must still get
  // the `import` form of the header; the plugin decides that form from the program's syntax, so
  // make the module-ness explicit with an empty export after the last line (no position moves).
  let code = input ? input.source : source;
  if (options.format === 'module') code += '\nexport {};\n';

  const babelOptions = (decorators: ParserPlugins): import('@babel/core').TransformOptions => ({
    filename,
    sourceFileName: filename,
    configFile: false,
    babelrc: false,
    browserslistConfigFile: false,
    sourceType: options.format === 'module' ? 'module' : 'unambiguous',
    parserOpts: {
      plugins: decorators,
      ...(options.format === 'commonjs' ? { allowReturnOutsideFunction: true, allowNewTargetOutsideFunction: true } : {}),
    },
    inputSourceMap: (input?.map ?? false) as never,
    sourceMaps: 'both',
    highlightCode: false,
    caller: { name: 'mapsan', supportsStaticESM: options.format === 'module', supportsDynamicImport: true, supportsTopLevelAwait: options.format === 'module' } as never,
    plugins: [detect as never, [plugin as never, pluginOptions]],
    presets: tsPreset ? [[tsPreset.value as never, { allowDeclareFields: true, onlyRemoveTypeImports: false }]] : [],
  });

  let out: ReturnType<Babel['transformSync']>;
  try {
    try {
      out = babel.transformSync(code, babelOptions(DECORATORS));
    } catch (e) {
      // Parameter decorators parse only as TypeScript's experimentalDecorators (NestJS, TypeORM),
      // which in turn rejects `export @dec class`: a file gets the second syntax only if it needs it.
      if ((e as { reasonCode?: string }).reasonCode !== 'UnsupportedParameterDecorator') throw e;
      out = babel.transformSync(code, babelOptions(LEGACY_DECORATORS));
    }
  } catch (e) {
    const err = e as Error & { code?: string; loc?: { line: number; column: number }; reasonCode?: string };
    if (err && (err.code === 'BABEL_PARSE_ERROR' || (err instanceof SyntaxError && err.loc))) throw formatSyntaxError(err, filename);

    if (err instanceof Error && !err.message.includes(filename)) err.message = `mapsan: could not instrument ${filename}: ${err.message}`;
    throw err;
  }
  if (!out || typeof out.code !== 'string') return result(source, sourceType, false);

  if (useCache) writeCache(key, { code: out.code, sourceType });
  return result(out.code, sourceType, true, (out.map as object | null | undefined) ?? null);
}
