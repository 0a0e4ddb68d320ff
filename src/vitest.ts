// mapsan/vitest: `import mapsan from 'mapsan/vitest'` and `plugins: [mapsan()]` in vitest.config
// (Vitest 3, 4 and 5; pools forks and threads). The plugin
//   - instruments test and source files through Babel with the mapsan plugin: every JavaScript or
//     TypeScript module Vite transforms, except node_modules, virtual modules and mapsan itself;
//   - adds mapsan's setup file (vitest-setup.mts) first in `test.setupFiles`: it runs each test in an
//     activation of its own and fails the test whose code raced;
//   - keeps mapsan's runtime and setup file out of Vite's module graph (`server.deps.external`): they
//     are CommonJS and must be the one engine of the worker, loaded by Node.
//
// Why `enforce: 'post'`: by then Vite has stripped TypeScript (esbuild or oxc, with the project's
// tsconfig) and compiled JSX, so Babel parses plain JavaScript whatever the project's syntax; the
// source map of everything before is passed as Babel's input map, so sites are recorded in the
// lines the user wrote. Vitest's own rewrites (vi.mock hoisting) are already done, and the SSR
// transform that turns imports into `__vi_ssr_import__` runs after every plugin, so mapsan's header
// import is handled like any other.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import convert from 'convert-source-map';
import { cacheEnabled, cacheKey, readCache, writeCache } from './cache.js';
import { DIST_DIR, mapsanVersion, PLUGIN_DIR, pluginPath } from './paths.js';

interface MapsanVitestOptions {
  /** Globs (relative to the project root) of files to instrument; default: all but node_modules. */
  include?: string[];
  /** Globs of files not to instrument. */
  exclude?: string[];
}

// The few shapes of Vite's plugin API used here (Vite is the user's dependency, not mapsan's).
interface SourceMapLike {
  mappings: string;
  [key: string]: unknown;
}
interface TransformContext {
  getCombinedSourcemap(): SourceMapLike;
}
interface ResolveContext {
  resolve(source: string, importer?: string, options?: { skipSelf?: boolean }): Promise<unknown>;
}
type UserConfig = { root?: string; test?: { setupFiles?: string | string[]; server?: { deps?: { external?: (string | RegExp)[] } } } };
interface MapsanVitePlugin {
  name: string;
  enforce: 'post';
  config(config: UserConfig): void;
  configResolved(config: { root: string }): void;
  resolveId(this: ResolveContext, source: string, importer: string | undefined): Promise<unknown> | null;
  transform(this: TransformContext, code: string, id: string): Promise<{ code: string; map: unknown } | null>;
}

const SETUP_PATH = join(__dirname, 'vitest-setup.mjs');

const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
/** The plugin's per-file header (`_msb = _ms.file(...)`): present when it instrumented something. */
const HEADER = /\b_ms\w*\s*=\s*_ms\w*\.file\(/;

type Babel = typeof import('@babel/core');

function mapsan(options: MapsanVitestOptions = {}): MapsanVitePlugin {
  let root = process.cwd();
  let loaded: { babel: Babel; plugin: unknown } | undefined;

  // @babel/core from the project first (one Babel with the rest of its tooling), then mapsan's own.
  function load(): { babel: Babel; plugin: unknown } {
    if (loaded !== undefined) return loaded;
    let babel: Babel;
    try {
      babel = createRequire(join(root, 'package.json'))('@babel/core') as Babel;
    } catch {
      babel = require('@babel/core') as Babel;
    }
    return (loaded = { babel, plugin: require(pluginPath()) });
  }

  // Vite keeps no transform cache between runs: without this one every `vitest run` would load Babel
  // and instrument every file again (most of mapsan's cost on a small suite). Keyed by content: the
  // code and source map Vite hands over, mapsan's version and plugin code, Babel's version, the options.
  let salt: string | undefined;
  function cacheSalt(): string {
    if (salt !== undefined) return salt;
    const h = createHash('sha256').update(mapsanVersion()).update('\0').update(babelVersion(root));
    for (const f of pluginFiles()) h.update('\0').update(f).update(readFileSync(f));
    return (salt = h.digest('hex'));
  }

  return {
    name: 'mapsan',
    enforce: 'post',

    config(config) {
      const test = (config.test ??= {});
      const setup = test.setupFiles === undefined ? [] : Array.isArray(test.setupFiles) ? test.setupFiles : [test.setupFiles];
      // First, so that the user's own setup files already run as the test file's code.
      if (!setup.includes(SETUP_PATH)) test.setupFiles = [SETUP_PATH, ...setup];
      const deps = ((test.server ??= {}).deps ??= {});
      deps.external = [...(deps.external ?? []), DIST_DIR];
    },

    configResolved(config) {
      root = config.root;
    },

    // The setup file imports `vitest`: it must be the project's (the instance running the tests),
    // not one that resolving from mapsan's own folder would find (a linked or workspace install).
    resolveId(source, importer) {
      if (importer !== SETUP_PATH || !(source === 'vitest' || source.startsWith('vitest/'))) return null;
      return this.resolve(source, join(root, 'package.json'), { skipSelf: true });
    },

    async transform(code, id) {
      if (id.startsWith('\0') || id.includes('/node_modules/') || id.startsWith(DIST_DIR)) return null;
      const file = id.split('?', 1)[0];
      if (file !== id || !SCRIPT.test(file) || !file.startsWith('/')) return null;
      const inputMap = this.getCombinedSourcemap();
      const useCache = cacheEnabled();
      const key = useCache ? cacheKey(cacheSalt(), file, JSON.stringify([root, options.include, options.exclude, inputMap]), code) : '';
      if (useCache) {
        const hit = readCache(key, file);
        // '' records a file with nothing to instrument.
        if (hit !== undefined) return hit.code === '' ? null : { code: convert.removeComments(hit.code), map: convert.fromSource(hit.code)?.toObject() ?? null };
      }
      const { babel, plugin } = load();
      const pluginOptions: Record<string, unknown> = { version: mapsanVersion() };
      if (options.include) pluginOptions.include = options.include;
      if (options.exclude) pluginOptions.exclude = options.exclude;
      const out = await babel.transformAsync(code, {
        filename: file,
        sourceFileName: file,
        cwd: root,
        configFile: false,
        babelrc: false,
        browserslistConfigFile: false,
        sourceType: 'module',
        inputSourceMap: inputMap as never,
        sourceMaps: true,
        compact: false,
        retainLines: false,
        plugins: [[plugin as never, pluginOptions]],
      });
      // Nothing to instrument: keep Vite's code and map rather than Babel's reprint of it.
      if (out?.code == null || !HEADER.test(out.code.slice(0, 8192))) {
        if (useCache) writeCache(key, { code: '', sourceType: 'module' });
        return null;
      }
      const map = out.map ?? null;
      if (useCache) writeCache(key, { code: map === null ? out.code : `${out.code}\n${convert.fromObject(map).toComment()}`, sourceType: 'module' });
      return { code: out.code, map };
    },
  };
}

function babelVersion(root: string): string {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('@babel/core/package.json');
    return String(JSON.parse(readFileSync(pkg, 'utf8')).version);
  } catch {
    return '?';
  }
}

function pluginFiles(): string[] {
  if (process.env.MAPSAN_PLUGIN) return [process.env.MAPSAN_PLUGIN];
  try {
    return (readdirSync(PLUGIN_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort().map((f) => join(PLUGIN_DIR, f));
  } catch {
    return [];
  }
}

export = mapsan;
