// Real Jest on examples/jest (Jest 30, its own install) and on the same files with Jest 29
// (installs/jest29): the racy test fails with the report naming both lines, the fixed one passes;
// in Jest's worker processes and with --runInBand. Then fixtures/jest-cases: which test or file
// each race fails, and one engine per process.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, byTitle, copyProject, EXAMPLES, FIXTURES, install, INSTALL_TIMEOUT, INSTALLS, lineOf, removeCopy, RUN_TIMEOUT, runNode, type Run } from './helpers';

const EXAMPLE = join(EXAMPLES, 'jest');
const COUNTER = join(EXAMPLE, 'src/counter.js');
const READ = lineOf(COUNTER, 'const count = this.views.get(page)');
const WRITE = lineOf(COUNTER, 'this.views.set(page, count + 1)');

const scratch = scratchDir('mapsan-jest-');

/** Jest in `dir` with a fresh cache (no transform cache, no timings that would pick in-band). */
function jest(dir: string, args: string[]): Run {
  const cache = mkdtempSync(join(scratch(), 'cache-'));
  const out = join(cache, 'result.json');
  return runNode(join(dir, 'node_modules/jest/bin/jest.js'), ['--ci', '--no-cache', `--cacheDirectory=${cache}`, '--json', `--outputFile=${out}`, ...args], dir, out);
}

const MODES: [string, string[]][] = [
  ['worker processes', ['--maxWorkers=2']],
  ['--runInBand', ['--runInBand']],
];

const VERSIONS: { name: string; prepare(): string; cleanup(dir: string): void }[] = [
  { name: 'Jest 30', prepare: () => (install(EXAMPLE), EXAMPLE), cleanup: () => {} },
  {
    name: 'Jest 29',
    prepare: () => (install(join(INSTALLS, 'jest29')), copyProject(EXAMPLE, join(INSTALLS, 'jest29/node_modules'))),
    cleanup: removeCopy,
  },
];

for (const version of VERSIONS) {
  describe(`${version.name}: examples/jest`, () => {
    let dir: string;
    beforeAll(() => {
      dir = version.prepare();
    }, INSTALL_TIMEOUT);
    afterAll(() => version.cleanup(dir));

    for (const [mode, args] of MODES) {
      it(`fails the racy test with the report, passes the fixed one (${mode})`, () => {
        const r = jest(dir, args);
        expect(r.json.numFailedTests, r.stderr).toBe(1);
        expect(r.json.numPassedTests).toBe(1);
        expect(r.json.numFailedTestSuites).toBe(1);
        const tests = byTitle(r.json);
        const racy = tests.get('counts two page views')!;
        expect(racy.status).toBe('failed');
        const message = racy.failureMessages.join('\n');
        expect(message).toContain('WARNING: mapsan: lost update');
        expect(message).toContain(`Stale read (get) at src/counter.js:${READ}:`);
        expect(message).toContain(`Clobbering write (set) at src/counter.js:${WRITE}:`);
        // The failure's stack points at the racing lines, for Jest's code frame.
        expect(message).toMatch(new RegExp(`at record \\(.*src/counter\\.js:${READ}:\\d+\\)`));
        expect(tests.get('counts two page views (fixed)')!.status).toBe('passed');
        // Jest's own verdict: 1 for failed tests, not mapsan's exit status 66.
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('1 failed, 1 passed');
      }, RUN_TIMEOUT);
    }
  });
}

describe('Jest 30: examples/jest without mapsan', () => {
  beforeAll(() => install(EXAMPLE), INSTALL_TIMEOUT);

  it('passes both tests: the race did not happen in this run, mapsan predicts it', () => {
    // babel-jest still transforms, with no plugin; no setup file.
    const config = JSON.stringify({ rootDir: EXAMPLE, transform: { '\\.js$': ['babel-jest', { configFile: false, babelrc: false }] } });
    const r = jest(EXAMPLE, [`--config=${config}`, '--runInBand']);
    expect(r.json.numFailedTests, r.stderr).toBe(0);
    expect(r.json.numPassedTests).toBe(2);
  }, RUN_TIMEOUT);
});

describe('Jest 30: attribution (fixtures/jest-cases)', () => {
  let dir: string;
  beforeAll(() => {
    install(EXAMPLE);
    dir = copyProject(join(FIXTURES, 'jest-cases'), join(EXAMPLE, 'node_modules'));
  }, INSTALL_TIMEOUT);
  afterAll(() => removeCopy(dir));

  for (const [mode, args] of MODES) {
    it(`fails each racy test, the file for races outside tests, nothing else (${mode})`, () => {
      const r = jest(dir, args);
      const tests = byTitle(r.json);
      const status = Object.fromEntries([...tests].map(([title, t]) => [title, t.status]));
      expect(status, r.stderr).toEqual({
        'one engine per process, one API per test file': 'passed',
        'racy each each-1': 'failed',
        'racy each each-2': 'failed',
        clean: 'passed',
        'racy done callback': 'failed',
        'racy concurrent': 'failed',
        'clean concurrent': 'passed',
        'leaves a race behind': 'passed',
        'clean while the race completes': 'passed',
        'clean after a racy beforeAll': 'passed',
        'clean after a racy module load': 'passed',
      });
      expect(tests.get('racy each each-1')!.failureMessages.join()).toContain("lost update on key 'each-1'");
      expect(tests.get('racy concurrent')!.failureMessages.join()).toContain("lost update on key 'concurrent'");
      const files = Object.fromEntries(r.json.testResults.map((f) => [f.name.split('/').pop(), f.message ?? '']));
      expect(files['tests.test.js']).toContain('This race was completed after test "leaves a race behind" had finished.');
      expect(files['tests.test.js']).toContain("lost update on key 'late'");
      expect(files['before-all.test.js']).toContain("lost update on key 'before-all'");
      expect(files['module-load.test.js']).toContain("lost update on key 'module-load'");
      expect(r.json.numFailedTestSuites).toBe(3);
    }, RUN_TIMEOUT);
  }
});
