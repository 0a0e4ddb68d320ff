// Iterator helpers over a Map iterator (`m.keys().filter(f)`, Node 22+), through the real plugin and
// CLI: their steps of the Map iterator, driven by a for...of or by hand across awaits, iterate the
// Map (race-model.md, iteration-during-mutation).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture, shapes } from './run-fixture.js';

const helpers = typeof (globalThis as { Iterator?: { prototype?: { filter?: unknown } } }).Iterator?.prototype?.filter === 'function';

describe.skipIf(!helpers)('iterator helpers over Map iterators', () => {
  for (const [args, step] of [[[], '@for-of'], [['by-hand'], '@by-hand']] as const) {
    it(`${['race-iterator-helper', ...args].join(' ')}: a set concurrent with the steps is reported at both lines`, () => {
      const { plain, r, races, marker } = runFixture('race-iterator-helper.js', [...args]);
      expect(r.stdout).toBe(plain.stdout);
      expect(r.status).toBe(66);
      expect(shapes(races)).toEqual([['iteration-during-mutation', [`iteration@${marker(step)}`, `mutation@${marker('@mutation')}`]]]);
    });
  }

  it('norace-iterator-helpers: own mutations, atomic consumers, steps that do not read the Map, and all the program sees as without mapsan', () => {
    const { plain, r, races } = runFixture('norace-iterator-helpers.js');
    expect(plain.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(0);
    expect(races).toEqual([]);
  });

  it('a frozen Iterator.prototype: the program runs as without mapsan, its helpers unseen', () => {
    const freeze = join(mkdtempSync(join(tmpdir(), 'mapsan-frozen-')), 'freeze.js');
    writeFileSync(freeze, "console.log('frozen', Object.isFrozen(Object.freeze(Iterator.prototype)));\n");
    const root = join(__dirname, '..', '..');
    const fixture = join(root, 'test', 'fixtures', 'engine', 'norace-iterator-helpers.js');
    const run = (args: string[]) => spawnSync(process.execPath, ['--require', freeze, ...args, fixture], { encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0' } });
    const plain = run([]);
    const r = run([join(root, 'bin', 'mapsan.js')]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^frozen true\n/);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(0);
  });
});
