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
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DIST_DIR, mapsanVersion, pluginPath } from './paths.js';

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
        inputSourceMap: this.getCombinedSourcemap() as never,
        sourceMaps: true,
        compact: false,
        retainLines: false,
        plugins: [[plugin as never, pluginOptions]],
      });
      // Nothing to instrument: keep Vite's code and map rather than Babel's reprint of it.
      if (out?.code == null || !HEADER.test(out.code.slice(0, 8192))) return null;
      return { code: out.code, map: out.map ?? null };
    },
  };
}

export = mapsan;
