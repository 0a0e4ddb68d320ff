// A real program, instrumented: @babel/parser (one 500 KB CommonJS file full of Map and Set
// calls) must parse exactly as the original when run against the pass-through runtime.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BABELS, PLUGIN, ROOT, STUB } from './harness';

const require = createRequire(import.meta.url);
const parserFile = require.resolve('@babel/parser');

describe.each(BABELS)('%s: instrumented @babel/parser', (_name, babel) => {
  it('parses like the original', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mapsan-parser-'));
    try {
      const code = babel.transformSync(fs.readFileSync(parserFile, 'utf8'), {
        filename: path.join(dir, 'parser.js'),
        configFile: false,
        babelrc: false,
        sourceType: 'script',
        compact: true,
        plugins: [[PLUGIN, { runtime: STUB }]],
      })!.code!;
      fs.writeFileSync(path.join(dir, 'parser.js'), code);
      const original = require(parserFile);
      const instrumented = require(path.join(dir, 'parser.js'));
      const stub = require(STUB);
      const before = stub.log.length;
      for (const file of [path.join(ROOT, 'plugin/optional-chain.ts'), path.join(ROOT, 'test/plugin/cases.ts')]) {
        const source = fs.readFileSync(file, 'utf8');
        const options = { sourceType: 'module', plugins: ['typescript'] };
        expect(JSON.stringify(instrumented.parse(source, options))).toBe(JSON.stringify(original.parse(source, options)));
      }
      const calls = new Set(stub.log.slice(before));
      for (const op of ['get', 'set', 'has', 'iter']) expect(calls).toContain(op);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
