// Real Vitest on examples/vitest (Vitest 4, its own install), and on the same files with Vitest 3
// (installs/vitest3) and Vitest 5 (installs/vitest5; Node >= 22.12 only): the racy test fails with
// the report naming both lines, the fixed one passes; pools forks and threads. Then
// fixtures/vitest-cases: which test or file each race fails.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, byTitle, copyProject, EXAMPLES, FIXTURES, install, INSTALL_TIMEOUT, INSTALLS, lineOf, nodeAtLeast, removeCopy, RUN_TIMEOUT, runNode, type Run } from './helpers';

const EXAMPLE = join(EXAMPLES, 'vitest');
const COUNTER = join(EXAMPLE, 'lib/counter.ts');
const READ = lineOf(COUNTER, 'const count: number = this.views.get(page)');
const WRITE = lineOf(COUNTER, 'this.views.set(page, count + 1)');

const scratch = scratchDir('mapsan-vitest-');

function vitest(dir: string, args: string[]): Run {
  const out = join(mkdtempSync(join(scratch(), 'run-')), 'result.json');
  const bin = join(dir, 'node_modules/vitest/vitest.mjs');
  return runNode(bin, ['run', '--reporter=json', `--outputFile=${out}`, ...args], dir, out);
}

const POOLS = ['forks', 'threads'];

const VERSIONS: { name: string; runs: boolean; prepare(): string; cleanup(dir: string): void }[] = [
  { name: 'Vitest 4', runs: true, prepare: () => (install(EXAMPLE), EXAMPLE), cleanup: () => {} },
  {
    name: 'Vitest 3',
    runs: true,
    prepare: () => (install(join(INSTALLS, 'vitest3')), copyProject(EXAMPLE, join(INSTALLS, 'vitest3/node_modules'))),
    cleanup: removeCopy,
  },
  {
    // Vitest 5 needs Node >= 22.12: on Node 20 its reporter crashes printing a failure.
    name: 'Vitest 5',
    runs: nodeAtLeast(22, 12),
    prepare: () => (install(join(INSTALLS, 'vitest5')), copyProject(EXAMPLE, join(INSTALLS, 'vitest5/node_modules'))),
    cleanup: removeCopy,
  },
];

for (const version of VERSIONS) {
  describe.skipIf(!version.runs)(`${version.name}: examples/vitest`, () => {
    let dir: string;
    beforeAll(() => {
      dir = version.prepare();
    }, INSTALL_TIMEOUT);
    afterAll(() => version.cleanup(dir));

    for (const pool of POOLS) {
      it(`fails the racy test with the report, passes the fixed one (pool ${pool})`, () => {
        const r = vitest(dir, [`--pool=${pool}`]);
        expect(r.json.numFailedTests, r.stdout + r.stderr).toBe(1);
        expect(r.json.numPassedTests).toBe(1);
        const tests = byTitle(r.json);
        const racy = tests.get('counts two page views')!;
        expect(racy.status).toBe('failed');
        const message = racy.failureMessages.join('\n');
        expect(message).toContain('WARNING: mapsan: lost update');
        // TypeScript: positions in the .ts source, through Vite's source map.
        expect(message).toContain(`Stale read (get) at lib/counter.ts:${READ}:`);
        expect(message).toContain(`Clobbering write (set) at lib/counter.ts:${WRITE}:`);
        expect(tests.get('counts two page views (fixed)')!.status).toBe('passed');
        expect(r.status).toBe(1);
      }, RUN_TIMEOUT);
    }
  });
}

describe('Vitest 4: examples/vitest without mapsan', () => {
  beforeAll(() => install(EXAMPLE), INSTALL_TIMEOUT);

  it('passes both tests: the race did not happen in this run, mapsan predicts it', () => {
    const config = join(scratch(), 'plain.config.mjs');
    writeFileSync(config, 'export default { test: {} };\n');
    const r = vitest(EXAMPLE, [`--config=${config}`, `--root=${EXAMPLE}`]);
    expect(r.json.numFailedTests, r.stdout + r.stderr).toBe(0);
    expect(r.json.numPassedTests).toBe(2);
  }, RUN_TIMEOUT);
});

describe('Vitest 4: attribution (fixtures/vitest-cases)', () => {
  let dir: string;
  beforeAll(() => {
    install(EXAMPLE);
    dir = copyProject(join(FIXTURES, 'vitest-cases'), join(EXAMPLE, 'node_modules'));
  }, INSTALL_TIMEOUT);
  afterAll(() => removeCopy(dir));

  for (const pool of POOLS) {
    it(`fails each racy test, the file for races outside tests, nothing else (pool ${pool})`, () => {
      expect(existsSync(join(dir, 'vitest.config.ts'))).toBe(true);
      const r = vitest(dir, [`--pool=${pool}`]);
      const tests = byTitle(r.json);
      const status = Object.fromEntries([...tests].map(([title, t]) => [title, t.status]));
      expect(status, r.stdout + r.stderr).toEqual({
        'one engine per worker': 'passed',
        'racy each each-1': 'failed',
        'racy each each-2': 'failed',
        clean: 'passed',
        'racy concurrent': 'failed',
        'clean concurrent': 'passed',
        'leaves a race behind': 'passed',
        'clean while the race completes': 'passed',
        'clean after a racy beforeAll': 'passed',
        'clean after a racy module load': 'passed',
      });
      expect(tests.get('racy concurrent')!.failureMessages.join()).toContain("lost update on key 'concurrent'");
      const files = Object.fromEntries(r.json.testResults.map((f) => [f.name.split('/').pop(), f.message ?? '']));
      expect(files['tests.case.ts']).toContain('This race was completed after test "leaves a race behind" had finished.');
      expect(files['before-all.case.ts']).toContain("lost update on key 'before-all'");
      expect(files['module-load.case.ts']).toContain("lost update on key 'module-load'");
    }, RUN_TIMEOUT);
  }
});
