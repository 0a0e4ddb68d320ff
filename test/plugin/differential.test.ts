// Each program runs plain and instrumented (with the pass-through stub runtime) and must print
// the same lines and throw the same exception; the stub's log shows the forms were rewritten.

import { describe, expect, it } from 'vitest';
import { CASES } from './cases';
import { BABELS, inOrder, instrument, runModule, runScript } from './harness';

describe.each(BABELS)('%s: instrumented programs behave as the originals', (_name, babel) => {
  for (const c of CASES) {
    it(c.name, async () => {
      const code = instrument(babel, c.code);
      const plain = await runScript(c.code);
      const instrumented = await runScript(code);
      expect(plain.error?.message ?? '').not.toMatch(/unexpected require|__done/);
      expect({ stdout: instrumented.stdout, error: instrumented.error }, code).toEqual({ stdout: plain.stdout, error: plain.error });
      if (c.calls) expect(inOrder(instrumented.log, c.calls), `log: ${instrumented.log.join(' ')}`).toBe(true);
      if (c.none) expect(instrumented.log).toEqual([]);
    });
  }

  it('top-level await and imports in an ES module', () => {
    const source = `import { inspect } from 'node:util';
      const m = new Map([[1, 'a']]);
      const v = await Promise.resolve(m.get(1));
      console.log(v, inspect(m.keys()), import.meta.url.startsWith('file:'));
      for await (const x of [Promise.resolve(m.size)]) console.log(x);
      export const size = m.size;`;
    const code = instrument(babel, source, { sourceType: 'module' });
    expect(code).toMatch(/^import _ms from /);
    const plain = runModule(source);
    const instrumented = runModule(code);
    expect(instrumented.stdout).toEqual(plain.stdout);
    expect(instrumented.error).toEqual(plain.error);
    expect(inOrder(instrumented.log, ['file', 'newMap', 'get', 'aw', 'keys', 'size', 'size']), instrumented.log.join(' ')).toBe(true);
  });

  it('a module whose only rewrite is a top-level await', () => {
    const source = `const v = await 5; console.log(v);`;
    const code = instrument(babel, source, { sourceType: 'module' });
    expect(code).toMatch(/^import _ms from /);
    const run = runModule(code);
    expect(run.stdout).toEqual(['5']);
    expect(run.log).toEqual(['file', 'aw']);
  });
});
