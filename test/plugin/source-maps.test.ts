// Sites point into the original source when the input has a source map, and the plugin's own
// output map still leads back there.

import { createRequire } from 'node:module';
import * as path from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { describe, expect, it } from 'vitest';
import { BABELS, PLUGIN, ROOT, instrument, runScript } from './harness';

const require = createRequire(import.meta.url);
const babel7 = require('@babel/core');

const dir = path.join(ROOT, 'test/fixtures/plugin/src');
const tsFile = path.join(dir, 'cache.ts');
const jsFile = path.join(dir, 'cache.js');

const TS = `interface Entry {
  value: number;
}

const cache: Map<string, Entry> = new Map();

export async function lookup(key: string): Promise<number | undefined> {
  const hit = cache.get(key) as Entry | undefined;
  return hit?.value;
}
`;

function stripTypes(inlineMap: boolean) {
  const out = babel7.transformSync(TS, {
    filename: tsFile,
    configFile: false,
    babelrc: false,
    presets: [require.resolve('@babel/preset-typescript')],
    plugins: [require.resolve('@babel/plugin-transform-modules-commonjs')],
    sourceMaps: inlineMap ? 'inline' : true,
  });
  return { code: out.code as string, map: out.map };
}

describe.each(BABELS)('%s: source maps', (_name, babel) => {
  const expected = [
    [5, 34, 'new', '', '<top>'],
    [7, 7, 'async', '', 'lookup'],
    [8, 14, 'get', 'cache.get', 'lookup'],
  ];

  async function sitesOf(code: string) {
    const run = await runScript(code);
    return { file: run.files[0], sites: run.sites };
  }

  it('maps sites through the input map given to Babel (inputSourceMap)', async () => {
    const input = stripTypes(false);
    const result = babel.transformSync(input.code, {
      filename: jsFile,
      configFile: false,
      babelrc: false,
      sourceType: 'script',
      inputSourceMap: input.map,
      sourceMaps: true,
      plugins: [[PLUGIN, { runtime: path.join(ROOT, 'test/plugin/stub-runtime.cjs') }]],
    })!;
    const { file, sites } = await sitesOf(result.code!);
    expect(file).toBe(tsFile);
    expect(sites).toEqual(expected);

    // The output map composes with the input map: the rewritten call maps to the .ts line.
    expect(result.map).toBeTruthy();
    const map = new TraceMap(result.map);
    const lines = result.code!.split('\n');
    const line = lines.findIndex((l) => l.includes('= _ms.get(')) + 1;
    const column = lines[line - 1].indexOf('_ms.get(');
    const pos = originalPositionFor(map, { line, column });
    expect(path.basename(pos.source!)).toBe('cache.ts');
    expect(pos.line).toBe(8);
  });

  it('reads an inline input map from the file itself', async () => {
    const input = stripTypes(true);
    expect(input.code).toContain('sourceMappingURL=data:');
    const code = instrument(babel, input.code, { filename: jsFile });
    const { file, sites } = await sitesOf(code);
    expect(file).toBe(tsFile);
    expect(sites).toEqual(expected);
  });

  it('takes the plugin option inputSourceMap', async () => {
    const input = stripTypes(false);
    const code = instrument(babel, input.code, { filename: jsFile, pluginOptions: { inputSourceMap: input.map } });
    const { file, sites } = await sitesOf(code);
    expect(file).toBe(tsFile);
    expect(sites).toEqual(expected);
  });

  it('without a map, sites are positions in the file itself', async () => {
    const code = instrument(babel, 'const m = new Map();\n  m.set(1, 2);\n', { filename: jsFile });
    const { file, sites } = await sitesOf(code);
    expect(file).toBe(jsFile);
    expect(sites).toEqual([
      [1, 10, 'new', '', '<top>'],
      [2, 2, 'set', 'm.set', '<top>'],
    ]);
  });
});

describe('Babel 7: together with @babel/preset-typescript in one transform', () => {
  it('keeps imports used only by rewritten operations and sees TypeScript syntax', () => {
    const source = `import { cache, type Entry } from './store';
      import other from './other';
      export async function f(k: string): Promise<Entry | undefined> {
        const v = cache!.get(k) as Entry;
        return other?.map!.get(k) ?? v;
      }`;
    const code = babel7.transformSync(source, {
      filename: tsFile,
      configFile: false,
      babelrc: false,
      presets: [require.resolve('@babel/preset-typescript')],
      plugins: [[PLUGIN, { runtime: 'RT' }]],
    }).code as string;
    expect(code).toMatch(/^import _ms from "RT";/);
    expect(code).toContain(`import { cache } from './store';`);
    expect(code).toContain(`import other from './other';`);
    expect(code).toContain('_ms.get(_r = cache, _r.get,');
    expect(code).toContain('(_o = other) == null ? void 0 : _ms.get(_r = _o.map, _r.get,');
  });
});
