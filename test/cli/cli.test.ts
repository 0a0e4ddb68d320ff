// The `mapsan` command line: flags, usage errors, MAPSAN_OPTIONS, exit status and signals.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemps, copyFixtures, mapsan, mapsanAsync, node, NODES, REGISTER, ROOT, tempDir } from './helpers.js';

let fx: string;
let cache: string;
beforeAll(() => {
  fx = copyFixtures();
  cache = tempDir('mapsan-cache-');
  writeFileSync(join(fx, 'env.js'), 'console.log(JSON.stringify(process.env.MAPSAN_OPTIONS ?? null));\n');
  writeFileSync(join(fx, 'argv.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  writeFileSync(
    join(fx, 'suicide.js'),
    "process.kill(process.pid, 'SIGTERM');\nsetInterval(() => {}, 1000);\n",
  );
  writeFileSync(
    join(fx, 'wait.js'),
    "process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(7); });\n" +
      "setInterval(() => {}, 1000);\nconsole.log('ready');\n",
  );
});
afterAll(cleanTemps);

const opts = () => ({ cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
const USAGE_LINE = /^usage: mapsan \[--strict\] \[--json FILE\]/m;

describe('usage', () => {
  it('without a script prints usage on stderr and exits 2', () => {
    const r = mapsan([], opts());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(USAGE_LINE);
    expect(r.stdout).toBe('');
  });

  it.each([['--bogus'], ['-x'], ['--json'], ['--json=']])('rejects %s with usage and exit 2', (flag) => {
    const r = mapsan([flag, 'argv.js'].filter((a) => !(flag === '--json' && a === 'argv.js')), opts());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(USAGE_LINE);
    expect(r.stdout).toBe('');
  });

  it('--help prints usage on stdout, exit 0', () => {
    const r = mapsan(['--help'], opts());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(USAGE_LINE);
  });

  it('--version prints the package version', () => {
    const r = mapsan(['--version'], opts());
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('passes arguments after the script (flags included) to the program untouched', () => {
    const r = mapsan(['argv.js', '--strict', '-x', '--', 'y'], opts());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['--strict', '-x', '--', 'y']);
  });

  it('accepts -- before the script', () => {
    const r = mapsan(['--', 'argv.js', 'a'], opts());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['a']);
  });
});

describe('MAPSAN_OPTIONS', () => {
  it('is validated first: a bad value is one line on stderr and exit 2', () => {
    const r = mapsan(['argv.js'], { cwd: fx, env: { MAPSAN_OPTIONS: 'stacks=all' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("mapsan: MAPSAN_OPTIONS: stacks must be one of site, full, got 'all'\n");
  });

  it('unknown keys too, also under node --require mapsan/register', () => {
    const viaCli = mapsan(['argv.js'], { cwd: fx, env: { MAPSAN_OPTIONS: 'bogus=1' } });
    const viaRegister = node(['--require', REGISTER, 'argv.js'], { cwd: fx, env: { MAPSAN_OPTIONS: 'bogus=1' } });
    for (const r of [viaCli, viaRegister]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toMatch(/^mapsan: MAPSAN_OPTIONS: unknown option 'bogus'/);
    }
  });

  it('--strict and --json are appended, so they override the variable', () => {
    const r = mapsan(['--strict', '--json', 'out/races.json', 'env.js'], {
      cwd: fx,
      env: { MAPSAN_OPTIONS: 'strict=0 history_size=4', MAPSAN_CACHE_DIR: cache },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBe(`strict=0 history_size=4 strict=1 json=${join(fx, 'out/races.json')}`);
  });

  it('--json=FILE works too; no flags leave the variable as it was', () => {
    const a = mapsan(['--json=r.json', 'env.js'], opts());
    expect(JSON.parse(a.stdout)).toBe(`json=${join(fx, 'r.json')}`);
    const b = mapsan(['env.js'], { cwd: fx, env: { MAPSAN_OPTIONS: 'halt_on_error=1', MAPSAN_CACHE_DIR: cache } });
    expect(JSON.parse(b.stdout)).toBe('halt_on_error=1');
  });
});

describe.each(NODES)('exit status with %s', (nodeBin) => {
  const opts = () => ({ cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin });

  it('a missing script fails exactly as node does', () => {
    const plain = node(['missing.js'], opts());
    const r = mapsan(['missing.js'], opts());
    expect(r.code).toBe(plain.code);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(fx, 'missing.js'));
    expect(r.stderr).toContain('Cannot find module');
    expect(r.stdout).toBe('');
  });

  it("is the program's own exit code (process.exitCode = 3)", () => {
    const r = mapsan(['cjs/exitcode.js'], opts());
    expect(r.stdout).toBe('exiting with 3\n');
    expect(r.code).toBe(3);
    expect(node(['--require', REGISTER, 'cjs/exitcode.js'], opts()).code).toBe(3);
  });

  it('re-raises the signal that killed the program', () => {
    const r = mapsan(['suicide.js'], opts());
    expect(r.signal).toBe('SIGTERM');
    expect(r.code).toBe(null);
  });

  it('forwards SIGTERM to the program', async () => {
    const child = mapsanAsync(['wait.js'], opts());
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!out.includes('ready') && (out += chunk).includes('ready')) child.kill('SIGTERM');
      else out += chunk;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(out).toContain('child got SIGTERM');
    expect(code).toBe(7);
  });
});
