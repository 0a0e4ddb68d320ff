// The `mapsan` command line: flags, usage errors, MAPSAN_OPTIONS, exit status and signals.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanTemps, copyFixtures, mapsan, mapsanAsync, node, NODES, REGISTER, ROOT, tempDir } from './helpers.js';

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
    join(fx, 'main-check.js'),
    'console.log(JSON.stringify({ main: require.main === module, mainModule: process.mainModule === module, argv: process.argv.slice(1), ' +
      'execArgv: process.execArgv, parent: module.parent ?? null }));\n',
  );
  writeFileSync(
    join(fx, 'spawns-workers.js'),
    "const { Worker } = require('node:worker_threads');\n" +
      "const probe = (options) => new Promise((done) => new Worker(__dirname + '/probe-worker.js', options).on('message', done));\n" +
      "(async () => console.log(JSON.stringify({ inherited: await probe(), own: await probe({ execArgv: [] }), gc: typeof gc })))();\n",
  );
  writeFileSync(
    join(fx, 'probe-worker.js'),
    "require('node:worker_threads').parentPort.postMessage({ runtime: globalThis[Symbol.for('mapsan.runtime')] !== undefined, execArgv: process.execArgv.length });\n",
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
    const r = mapsan(['--strict', '--json', 'races.json', 'env.js'], {
      cwd: fx,
      env: { MAPSAN_OPTIONS: 'strict=0 history_size=4', MAPSAN_CACHE_DIR: cache },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBe(`strict=0 history_size=4 strict=1 json=${join(fx, 'races.json')}`);
  });

  it('--json into a folder that does not exist stops before the program runs', () => {
    const r = mapsan(['--json', 'out/races.json', 'env.js'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `mapsan: MAPSAN_OPTIONS: json: folder '${join(fx, 'out')}' does not exist\n` });
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

// The CLI runs the program in its own process (src/cli.ts): what the program sees must be what it
// sees under `node --require mapsan/register`.
describe.each(NODES)('the program in the CLI process, with %s', (nodeBin) => {
  const opts = () => ({ cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin });

  it('is the main module, with the argv and execArgv it has under node --require', () => {
    const viaCli = mapsan(['main-check.js', 'a', '--b'], opts());
    const viaRegister = node(['--require', REGISTER, 'main-check.js', 'a', '--b'], opts());
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toBe(viaRegister.stdout);
    expect(JSON.parse(viaCli.stdout)).toEqual({
      main: true, mainModule: true, argv: [join(fx, 'main-check.js'), 'a', '--b'], execArgv: ['--require', REGISTER], parent: null,
    });
  });

  it('gives workers created without execArgv the preload, also when node has V8 flags', () => {
    for (const flags of [[], ['--expose-gc', '--stack-trace-limit=20']]) {
      const r = node([...flags, BIN, 'spawns-workers.js'], opts());
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        inherited: { runtime: true, execArgv: 2 }, own: { runtime: false, execArgv: 0 }, gc: flags.length ? 'function' : 'undefined',
      });
    }
  });

  it("reads the program from stdin for '-', as node does", () => {
    const r = node([BIN, '-'], { ...opts(), input: 'const m = new Map([[1, 2]]);\nconsole.log(m.get(1), process.execArgv.length);\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2 2\n');
  });
});
