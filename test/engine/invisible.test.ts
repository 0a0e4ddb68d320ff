// The engine's bookkeeping on the program's objects (promises, timers, Maps) is invisible to the
// program: util.inspect, Reflect.ownKeys, getOwnPropertySymbols show nothing of mapsan.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const file = join(root, 'test', 'fixtures', 'engine', 'inspect-objects.js');
const node24 = Number(process.versions.node.split('.')[0]) >= 24;

describe('what the program sees', () => {
  it('prints no trace of mapsan on promises, timers and Maps', () => {
    const plain = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    const run = spawnSync(process.execPath, [join(root, 'bin', 'mapsan.js'), file], { encoding: 'utf8', env: { ...process.env, MAPSAN_CACHE: '0' } });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/mapsan|Segment|VectorClock|Activation/);
    expect(run.stdout.trim().split('\n').slice(-2)).toEqual(['0 0', '0 0']);
    // Node 20 cannot turn off its own async_hooks promise bookkeeping (async_id_symbol), which any
    // async_hooks user makes visible; from Node 24 mapsan turns it off and the output is identical.
    if (node24) expect(run.stdout).toBe(plain.stdout);
  });
});
