// Plugin options: validated once per plugin instance, so a typo fails the build at once instead
// of silently instrumenting nothing (or everything).

import * as path from 'node:path';
import { compileGlobs } from './glob';

export interface MapsanPluginOptions {
  include?: string[];
  exclude?: string[];
  runtime?: string;
  inputSourceMap?: object;
  /** Ignored: changes the options object so that Jest's transform cache key changes. */
  version?: string;
}

export interface ResolvedOptions {
  runtime: string;
  inputSourceMap: object | undefined;
  shouldInstrument(filename: string | undefined, cwd: string): boolean;
}

const KNOWN = ['include', 'exclude', 'runtime', 'inputSourceMap', 'version'];

/** mapsan's own package: two levels up from dist/plugin/. */
const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
/** Only mapsan's built code is never instrumented: in its own repository, examples and test
 * fixtures live under the package directory too and must stay instrumentable. */
const OWN_CODE = [path.join(PACKAGE_DIR, 'dist') + path.sep, path.join(PACKAGE_DIR, 'bin') + path.sep];
const DEFAULT_RUNTIME = path.join(__dirname, '..', 'runtime', 'index.js');

function fail(message: string): never {
  throw new Error(`mapsan/babel: ${message}`);
}

function globList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((g) => typeof g === 'string')) {
    fail(`option '${name}' must be an array of glob strings`);
  }
  return value;
}

export function resolveOptions(raw: unknown): ResolvedOptions {
  const options = (raw ?? {}) as Record<string, unknown>;
  if (typeof options !== 'object' || Array.isArray(options)) fail('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) fail(`unknown option '${key}' (known: ${KNOWN.join(', ')})`);
  }
  const include = globList(options.include, 'include');
  const exclude = globList(options.exclude, 'exclude');
  if (options.runtime !== undefined && (typeof options.runtime !== 'string' || options.runtime === '')) {
    fail(`option 'runtime' must be a non-empty string`);
  }
  const map = options.inputSourceMap;
  if (map !== undefined && (typeof map !== 'object' || map === null || Array.isArray(map))) {
    fail(`option 'inputSourceMap' must be a source map object`);
  }
  if (options.version !== undefined && typeof options.version !== 'string') {
    fail(`option 'version' must be a string`);
  }

  const included = include.length === 0 ? () => true : compileGlobs(include);
  const excluded = compileGlobs(exclude);
  const includeAbsolute = include.some((g) => path.isAbsolute(g));
  const excludeAbsolute = exclude.some((g) => path.isAbsolute(g));

  return {
    runtime: (options.runtime as string | undefined) ?? DEFAULT_RUNTIME,
    inputSourceMap: map as object | undefined,
    shouldInstrument(filename, cwd) {
      if (filename === undefined) return include.length === 0;
      const abs = path.resolve(cwd, filename);
      const slashed = toSlashes(abs);
      if (slashed.includes('/node_modules/')) return false;
      if (OWN_CODE.some((dir) => abs.startsWith(dir))) return false;
      const rel = toSlashes(path.relative(cwd, abs));
      const matches = (test: (p: string) => boolean, absolute: boolean) =>
        test(rel) || (absolute && test(slashed));
      return matches(included, includeAbsolute) && !matches(excluded, excludeAbsolute);
    },
  };
}

function toSlashes(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}
