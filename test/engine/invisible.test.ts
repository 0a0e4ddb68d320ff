// The engine's bookkeeping on the program's objects (promises, timers, Maps) is invisible to the
// program: util.inspect, Reflect.ownKeys, getOwnPropertySymbols show nothing of mapsan.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'engine', name);

/** The program run by plain node, then by mapsan (no transform cache). */
function plainAndMapsan(program: string) {
  const plain = spawnSync(process.execPath, [program], { encoding: 'utf8' });
  const run = spawnSync(process.execPath, [join(root, 'bin', 'mapsan.js'), program], { encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0' } });
  return { plain, run };
}

describe('what the program sees', () => {
  it('prints no trace of mapsan on promises, timers and Maps', () => {
    const { plain, run } = plainAndMapsan(fixture('inspect-objects.js'));
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/mapsan|Segment|VectorClock|Activation/);
    expect(run.stdout.trim().split('\n').slice(-2)).toEqual(['0 0', '0 0']);
    // Node's own promise bookkeeping (async_id_symbol) stays off: asked for on Node 24, left out of
    // V8's promise hooks on Node 20 (runtime/direct-promise-hooks.ts).
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stderr).toBe('');
  });

  it('sees the async context of plain Node, and its own AsyncLocalStorage works on top of mapsan', () => {
    const { plain, run } = plainAndMapsan(fixture('async-context.js'));
    expect(plain.stdout).toContain('a reaction runs in: Object');
    expect(run.stdout).toBe(plain.stdout);
    expect(run.status).toBe(66);
    expect(run.stderr).toMatch(/lost update on key 'requests'/);
    expect(run.stderr).toMatch(/Stale read \(get\) at test\/fixtures\/engine\/async-context\.js:25:15/);
    expect(run.stderr).toMatch(/Clobbering write \(set\) at test\/fixtures\/engine\/async-context\.js:27:5/);
    expect(run.stderr).not.toMatch(/DeprecationWarning/);
  });
});
