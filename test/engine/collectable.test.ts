// race-model.md's "never": the engine keeps no user object alive. Object keys are held weakly by
// the shadow, and the shadow hangs off its Map.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const file = join(root, 'test', 'fixtures', 'engine', 'collectable.js');

describe('objects the program drops', () => {
  it('are collected: object keys deleted from a live Map, and dead Maps', () => {
    const args = ['--expose-gc', join(root, 'bin', 'mapsan.js'), file];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0' } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(['a key collected', 'b key collected', 'c map collected', 'd map collected', 'kept 0', ''].join('\n'));
    expect(spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8' }).stdout).toBe(run.stdout);
  });
});
