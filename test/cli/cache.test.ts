// The transform cache: content-keyed entries on disk, hits on a second run, --clear-cache.
import { existsSync, mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEvents, cleanTemps, copyFixtures, countFiles, mapsan, node, REGISTER, REGISTER_URL, tempDir } from './helpers.js';

let fx: string;
beforeAll(() => {
  fx = copyFixtures();
});
afterAll(cleanTemps);

describe('transform cache', () => {
  it('a second run hits the cache for every file; a changed source gets a new entry', () => {
    const cache = tempDir('mapsan-cache-');
    const env = { MAPSAN_CACHE_DIR: cache, MAPSAN_DEBUG: 'cache' };
    const first = mapsan(['cjs/main.js'], { cwd: fx, env });
    expect(first.code).toBe(0);
    expect(cacheEvents(first.stderr, fx)).toEqual({ hit: [], miss: ['cjs/main.js', 'cjs/lib.cjs'] });
    const entries = countFiles(cache);
    expect(entries).toBeGreaterThanOrEqual(2);

    const second = mapsan(['cjs/main.js'], { cwd: fx, env });
    expect(second.stdout).toBe(first.stdout);
    expect(cacheEvents(second.stderr, fx)).toEqual({ hit: ['cjs/main.js', 'cjs/lib.cjs'], miss: [] });
    expect(countFiles(cache)).toBe(entries);

    appendFileSync(join(fx, 'cjs/lib.cjs'), '// changed\n');
    const third = mapsan(['cjs/main.js'], { cwd: fx, env });
    expect(third.stdout).toBe(first.stdout);
    expect(cacheEvents(third.stderr, fx)).toEqual({ hit: ['cjs/main.js'], miss: ['cjs/lib.cjs'] });
    expect(countFiles(cache)).toBe(entries + 1);
  });

  it('serves ES modules and TypeScript from the hooks thread too', () => {
    const cache = tempDir('mapsan-cache-');
    const env = { MAPSAN_CACHE_DIR: cache, MAPSAN_DEBUG: 'cache' };
    const first = node(['--import', REGISTER_URL, 'ts/esm.mts'], { cwd: fx, env });
    expect(first.code).toBe(0);
    expect(cacheEvents(first.stderr, fx).miss.sort()).toEqual(['ts/esm.mts', 'ts/lib-esm.mts']);
    const second = node(['--import', REGISTER_URL, 'ts/esm.mts'], { cwd: fx, env });
    expect(second.stdout).toBe(first.stdout);
    expect(cacheEvents(second.stderr, fx)).toEqual({ hit: expect.arrayContaining(['ts/esm.mts', 'ts/lib-esm.mts']), miss: [] });
  });

  it('registering twice (--require and --import) transforms each file once', () => {
    const cache = tempDir('mapsan-cache-');
    const r = node(['--require', REGISTER, '--import', REGISTER_URL, 'cjs/main.js'], {
      cwd: fx,
      env: { MAPSAN_CACHE_DIR: cache, MAPSAN_DEBUG: 'cache' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('instrumented true');
    expect(cacheEvents(r.stderr, fx)).toEqual({ hit: [], miss: ['cjs/main.js', 'cjs/lib.cjs'] });
  });

  it('MAPSAN_CACHE=0 writes nothing', () => {
    const cache = tempDir('mapsan-cache-');
    const r = mapsan(['esm/main.mjs'], { cwd: fx, env: { MAPSAN_CACHE_DIR: join(cache, 'c'), MAPSAN_CACHE: '0' } });
    expect(r.code).toBe(0);
    expect(existsSync(join(cache, 'c'))).toBe(false);
  });

  it('lives in node_modules/.cache/mapsan of the cwd when there is a node_modules; --clear-cache removes it', () => {
    const project = tempDir('mapsan-project-');
    mkdirSync(join(project, 'node_modules'));
    writeFileSync(join(project, 'package.json'), '{}\n');
    writeFileSync(join(project, 'app.js'), "const m = new Map([[1, 2]]);\nconsole.log(m.get(1));\n");
    const env = { MAPSAN_CACHE_DIR: undefined };
    const r = mapsan(['app.js'], { cwd: project, env });
    expect(r.stdout).toBe('2\n');
    const dir = join(project, 'node_modules', '.cache', 'mapsan');
    expect(countFiles(dir)).toBe(1);

    const cleared = mapsan(['--clear-cache'], { cwd: project, env });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain(`mapsan: removed ${dir} (1 cached file)`);
    expect(existsSync(dir)).toBe(false);
  });

  it('--clear-cache empties MAPSAN_CACHE_DIR, then runs the script if one is given', () => {
    const cache = tempDir('mapsan-cache-');
    mapsan(['esm/main.mjs'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
    expect(countFiles(cache)).toBe(2);
    const r = mapsan(['--clear-cache', 'esm/main.mjs'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache, MAPSAN_DEBUG: 'cache' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^mapsan: removed ${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(2 cached files\\)\n`));
    expect(r.stdout).toContain('esm [["x",2],["y",1]]');
    expect(cacheEvents(r.stderr, fx)).toEqual({ hit: [], miss: ['esm/main.mjs', 'esm/lib.mjs'] });
  });
});
