// The runtime's modules read each other's exports on the hot path (`current`, `config`, the rules).
// A re-export (`export { x } from`) compiles to an accessor on the CommonJS exports object, which
// V8 then keeps as a dictionary: every such read becomes a generic lookup. Measured: one Map
// operation 39 → 30 ns (Node 20, /bench/map-ops.js) when context.js lost its re-export.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(__dirname, '..', '..', 'dist', 'runtime');

describe('runtime modules', () => {
  it('all keep exports objects with fast properties', () => {
    const probe = `
      const { readdirSync } = require('node:fs');
      const { join } = require('node:path');
      const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : []);
      const files = walk(process.argv[1]);
      console.log(JSON.stringify({ count: files.length, slow: files.filter((f) => !%HasFastProperties(require(f))) }));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', probe, dist], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { count, slow } = JSON.parse(r.stdout);
    expect(count).toBeGreaterThan(30);
    expect(slow).toEqual([]);
  });
});
