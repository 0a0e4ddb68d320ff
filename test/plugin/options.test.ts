// Options, filtering, loading the plugin, idempotence and untouched files.

import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BABELS, PLUGIN, ROOT, plugin } from './harness';

const require = createRequire(import.meta.url);
const { compileGlobs } = require(path.join(ROOT, 'dist/plugin/glob.js'));

const CWD = path.join(ROOT, 'test/fixtures/plugin');

describe('glob matching', () => {
  it.each([
    [['src/**'], 'src/a.js', true],
    [['src/**'], 'src/deep/er/a.js', true],
    [['src/**'], 'lib/a.js', false],
    [['**/*.js'], 'a.js', true],
    [['**/*.js'], 'x/y/a.js', true],
    [['**/*.js'], 'x/y/a.ts', false],
    [['*.js'], 'x/a.js', false],
    [['src/*.{js,ts}'], 'src/a.ts', true],
    [['src/*.{js,ts}'], 'src/a.mjs', false],
    [['src/{a,b{1,2}}.js'], 'src/b2.js', true],
    [['src/?.js'], 'src/ab.js', false],
    [['src/[ab].js'], 'src/b.js', true],
    [['src/[!ab].js'], 'src/b.js', false],
    [['generated'], 'generated/x/y.js', true],
    [['./src/**/*.test.js'], 'src/a/b.test.js', true],
    [['src/**/b.js'], 'src/b.js', true],
  ])('%j matches %s: %s', (globs, file, expected) => {
    expect(compileGlobs(globs)(file)).toBe(expected);
  });
});

describe.each(BABELS)('%s: options and filtering', (_name, babel) => {
  const run = (code: string, filename: string, options: object = {}) =>
    babel.transformSync(code, { filename, cwd: CWD, configFile: false, babelrc: false, plugins: [[PLUGIN, { runtime: 'RT', ...options }]] })!.code!;

  it.each([
    [{ include: 'src/**' }, "option 'include' must be an array of glob strings"],
    [{ exclude: [1] }, "option 'exclude' must be an array of glob strings"],
    [{ runtime: 5 }, "option 'runtime' must be a non-empty string"],
    [{ inputSourceMap: 'map.json' }, "option 'inputSourceMap' must be a source map object"],
    [{ version: 1 }, "option 'version' must be a string"],
    [{ incude: [] }, "unknown option 'incude'"],
  ])('rejects %j', (options, message) => {
    expect(() => run('m.get(1);', path.join(CWD, 'a.js'), options)).toThrow(`mapsan/babel: ${message}`);
  });

  it('accepts a version string and an inputSourceMap object', () => {
    expect(run('m.get(1);', path.join(CWD, 'a.js'), { version: '0.1.0-abc' })).toContain('_ms.get(');
  });

  it('include and exclude match paths relative to cwd', () => {
    const options = { include: ['src/**'], exclude: ['**/*.spec.js'] };
    expect(run('m.get(1);', path.join(CWD, 'src/a.js'), options)).toContain('_ms.get(');
    expect(run('m.get(1);', path.join(CWD, 'lib/a.js'), options)).not.toContain('_ms');
    expect(run('m.get(1);', path.join(CWD, 'src/a.spec.js'), options)).not.toContain('_ms');
    expect(run('m.get(1);', path.join(CWD, 'src/a.js'), { include: [path.join(CWD, 'src/**')] })).toContain('_ms.get(');
  });

  it('never instruments node_modules or mapsan itself', () => {
    expect(run('m.get(1);', path.join(CWD, 'node_modules/dep/index.js'))).not.toContain('_ms');
    expect(run('m.get(1);', path.join(ROOT, 'dist/runtime/index.js'))).not.toContain('_ms');
    expect(run('m.get(1);', path.join(ROOT, 'examples/race.js'))).toContain('_ms.get(');
  });

  it('the default runtime is dist/runtime/index.js by absolute path', () => {
    const code = babel.transformSync('m.get(1);', {
      filename: path.join(CWD, 'a.js'),
      configFile: false,
      babelrc: false,
      plugins: [PLUGIN],
    })!.code!;
    expect(code).toContain(`require(${JSON.stringify(path.join(ROOT, 'dist/runtime/index.js'))})`);
  });

  it('leaves an instrumented file alone: transforming twice changes nothing', () => {
    const once = run('const m = new Map();\nasync function f() { await m.get(1); }', path.join(CWD, 'a.js'));
    expect(run(once, path.join(CWD, 'a.js'))).toBe(once);
    const esm = run('import x from "y";\nx.get(1);', path.join(CWD, 'a.mjs'));
    expect(run(esm, path.join(CWD, 'a.mjs'))).toBe(esm);
  });

  it('recognises its header after a CommonJS module transform', () => {
    const cjs = require('@babel/core').transformSync('import x from "y";\nx.get(1);', {
      filename: path.join(CWD, 'a.js'),
      configFile: false,
      babelrc: false,
      plugins: [[PLUGIN, { runtime: 'RT' }], require.resolve('@babel/plugin-transform-modules-commonjs')],
    }).code;
    expect(cjs).toMatch(/var _msb = _\w+\.default\.file\(/);
    const reprinted = babel.transformSync(cjs, { filename: path.join(CWD, 'a.js'), configFile: false, babelrc: false })!.code;
    expect(run(cjs, path.join(CWD, 'a.js'))).toBe(reprinted);
  });

  it('returns a file without candidates untouched, with no header', () => {
    const input = 'const a = [1, 2];\nfunction f(x) {\n  return x.foo(a) + x.size2;\n}\nclass A {\n  m() {}\n}';
    expect(run(input, path.join(CWD, 'a.js'))).toBe(input);
    expect(run('/* c */ let x = y?.z?.(1)  ;', path.join(CWD, 'a.js'))).not.toContain('_ms');
  });

  it('loads as mapsan/babel, by absolute path, and through .default', () => {
    const resolved = require.resolve('mapsan/babel');
    expect(resolved).toBe(PLUGIN);
    expect(plugin().default).toBe(plugin());
    for (const p of [resolved, PLUGIN, plugin().default]) {
      const code = babel.transformSync('m.get(1);', {
        filename: path.join(CWD, 'a.js'),
        configFile: false,
        babelrc: false,
        plugins: [[p, { runtime: 'RT' }]],
      })!.code!;
      expect(code).toContain('_ms.get(');
    }
  });
});
