// Stack frames point at the source the user wrote: generated files with inline source maps,
// loaded with source maps enabled (as mapsan/register does), CommonJS and ES modules.
import { encode } from '@jridgewell/sourcemap-codec';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_REPORT, runNode, tempDir } from './helpers.js';

const DIST_RUNTIME = resolve(DIST_REPORT, '../..');
const SHIFT = 100;


/** Appends a map sending generated line L, column 0 to line L + SHIFT, column 0 of `source`. */
function withMap(code: string, source: string): string {
  const lines = code.split('\n');
  const mappings = encode(lines.map((_, i) => [[0, 0, SHIFT + i, 0]]));
  const map = { version: 3, sources: [source], names: [], mappings };
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** Where the original of the generated line holding `marker` is, as a report shows it. */
const originalOf = (code: string, marker: string) => `app.ts:${code.split('\n').findIndex((l) => l.includes(marker)) + 1 + SHIFT}:1`;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const program = (load: string) => `${load}
const { registerFile } = require(${JSON.stringify(join(DIST_RUNTIME, 'sites.js'))});
const { parseOptions } = require(${JSON.stringify(join(DIST_RUNTIME, 'options.js'))});
const report = require(${JSON.stringify(DIST_REPORT)});
const { captureStack } = require(${JSON.stringify(join(DIST_RUNTIME, 'report/stack.js'))});
report.configureReports(parseOptions(process.env.MAPSAN_OPTIONS));
const base = registerFile(APP, [[5, 2, 'has', 'm.has', 'check'], [9, 2, 'get', 'm.get', 'use']]);
const act = { id: 1, kind: 'async function load', originSite: -1, thread: 0 };
function check() {
  return captureStack(); // @check
}
const early = check();
function use() {
  report.reportRace({ kind: 'stale-read', key: 'k', membership: false, mapSite: -1, trigger: 1, accesses: [ // @use
    { op: 'has', role: 'check', site: base, activation: act, stack: early },
    { op: 'get', role: 'use', site: base + 1, activation: act },
  ] });
}
use();
`;

describe('stack frames through source maps', () => {
  it.each([
    ['gen.js', `const APP = require('node:path').join(__dirname, 'app.ts');`],
    ['gen.mjs', `import { createRequire } from 'node:module'; import { fileURLToPath } from 'node:url'; const require = createRequire(import.meta.url); const APP = fileURLToPath(new URL('app.ts', import.meta.url));`],
  ])('maps every captured stack of %s (stacks=full)', (name, load) => {
    const dir = tempDir();
    const code = program(load);
    writeFileSync(join(dir, name), withMap(code, 'app.ts'));
    const r = runNode(['--enable-source-maps', name], { cwd: dir, mapsan: 'stacks=full' });
    // Each stack goes on to the top-level frame that called the function, mapped as well.
    const topLevel = `(?:Object\\.<anonymous> \\()?app\\.ts:\\d+:1\\)?`;
    expect(r.stderr).toMatch(
      new RegExp(
        [
          '  Check \\(has\\) at app\\.ts:5:3 in check',
          '    in async function load',
          `      at check \\(${escape(originalOf(code, '// @check'))}\\)`,
          `      at ${topLevel}`,
          '',
          '  Use \\(get\\) at app\\.ts:9:3 in use',
          '    in async function load',
          `      at use \\(${escape(originalOf(code, '// @use'))}\\)`,
          `      at ${topLevel}`,
          '',
        ].join('\n'),
      ),
    );
    expect(r.stderr).not.toContain(name + ':');
  });

  it('leaves frames of files without a map as they are', () => {
    const dir = tempDir();
    const code = program(`const APP = require('node:path').join(__dirname, 'app.ts');`);
    writeFileSync(join(dir, 'plain.js'), code);
    const r = runNode(['--enable-source-maps', 'plain.js'], { cwd: dir });
    const line = code.split('\n').findIndex((l) => l.includes('// @use')) + 1;
    expect(r.stderr).toContain(`      at use (plain.js:${line}:10)`);
  });
});
