// Loading user programs under mapsan: CommonJS, ES modules, TypeScript, workers, source maps and
// syntax errors, through the CLI (`--require`) and `node --import mapsan/register`.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemps, copyFixtures, mapsan, node, NODES, REGISTER, REGISTER_URL, ROOT, tempDir, USING_PLACEHOLDER, type Result } from './helpers.js';

let fx: string;
let cache: string;
beforeAll(() => {
  fx = copyFixtures();
  cache = tempDir('mapsan-cache-');
});
afterAll(cleanTemps);

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Mode = 'cli' | 'require' | 'import';
const MODES: Mode[] = ['cli', 'require', 'import'];

function run(mode: Mode, file: string, nodeBin: string, args: string[] = []): Result {
  const o = { cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin };
  if (mode === 'cli') return mapsan([file, ...args], o);
  return node([mode === 'require' ? '--require' : '--import', mode === 'require' ? REGISTER : REGISTER_URL, file, ...args], o);
}

const PROGRAMS: [string, string][] = [
  ['cjs/main.js', 'cjs [["a",2],["b",1]]\ninstrumented true\nargs ["p1"]\n'],
  ['esm/main.mjs', 'esm [["x",2],["y",1]]\ninstrumented true\n'],
  ['ts/main.ts', 'ts [["p",2],["q",1]]\ninstrumented true\n'],
  ['ts/esm.mts', 'mts [["m",2],["n",1]] true\ninstrumented true\n'],
  ['ts/esm-syntax.ts', 'ts-esm [["t",2]] undefined\ninstrumented true\n'],
  ['tsmod/main.ts', 'tsmod 5 undefined\n'],
  ['esmpkg/main.js', 'esmpkg cjs esm\ninstrumented true true\n'],
  ['esmpkg/plain.js', 'esmpkg plain plain undefined\ninstrumented true\n'],
  ['tsmod/plain.ts', 'tsmod plain 1 undefined true\ninstrumented true\n'],
  ['cjs/requires-esm.js', 'require(esm) esm instrumented true\nimport() esm instrumented true\n'],
  ['cjs/requires-plain-esm.js', 'esmpkg plain plain undefined\ninstrumented true\n'],
];

describe.each(NODES)('with %s', (nodeBin) => {
  describe.each(MODES)('via %s', (mode) => {
    it.each(PROGRAMS)('%s runs with its own stdout and exit code, instrumented', (file, stdout) => {
      const r = run(mode, file, nodeBin, file === 'cjs/main.js' ? ['p1'] : []);
      // Node >= 24 loads the .ts (mapsan strips what it returns) and warns, as plain node does, that
      // a file with module syntax has no "type" in its package.json.
      const stderr = r.stderr.replace(/^\(node:\d+\) \[MODULE_TYPELESS_PACKAGE_JSON\] Warning: Module type of \S+\/ts\/esm-syntax\.ts [^]*?to show where the warning was created\)\n/m, '');
      expect(stderr, r.stderr).not.toMatch(/Error|Warning/);
      expect(r.stdout).toBe(stdout);
      expect(r.code).toBe(0);
    });

    it('worker threads (CommonJS and ESM) run instrumented code too', () => {
      const r = run(mode, 'worker/main.js', nodeBin);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        'main instrumented true\n' +
          'worker.js {"value":2,"instrumented":true,"worker":true}\n' +
          'worker.mjs {"value":3,"instrumented":true,"worker":true}\n',
      );
    });

    it('maps stack traces of an instrumented .ts file to its original lines', () => {
      const r = run(mode, 'ts/throws.ts', nodeBin);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Error: boom: no box');
      expect(r.stderr).toMatch(/at explode \(.*ts[\\/]throws\.ts:10:9\)/);
      expect(r.stderr).toMatch(/ts[\\/]throws\.ts:13:\d+/);
    });

    it('a syntax error prints file:line and the code frame, exit 1, nothing of mapsan', () => {
      for (const file of ['cjs/bad.js', 'cjs/requires-bad.js', 'esm/bad.mjs', 'esm/imports-bad.mjs']) {
        const r = run(mode, file, nodeBin);
        expect(r.code).toBe(1);
        const bad = join(fx, file.startsWith('cjs') ? 'cjs/bad.js' : 'esm/bad.mjs');
        // Node's own header for a syntax error; for an imported ES module Node prints its internal
        // rethrow site there instead (errors from the hooks thread).
        if (file !== 'esm/imports-bad.mjs') expect(r.stderr).toMatch(new RegExp(`^${esc(bad)}:3\n  return m.get\\(;\n               \\^\n`));
        expect(r.stderr).toContain(`${bad}: Unexpected token (3:15)`);
        expect(r.stderr).toContain('> 3 |   return m.get(;\n    |                ^');
        expect(r.stderr).not.toMatch(/dist[\\/]|pirates|@babel|node_modules|mapsan[\\/]src/);
        expect(r.stdout).toBe('');
      }
    });
  });
});

// On Node < 24 the ES module hooks are registered when an ES module is about to load
// (src/esm-on-demand.ts); these are the ways in that the program's entry does not show.
describe.each(NODES)('ES modules reached from CommonJS, with %s', (nodeBin) => {
  // Each program runs twice and the second run is checked: a first run misses the transform cache
  // and loads Babel, whose modules mention `import`, which registers the hooks whatever the program does.
  const warm = <T>(f: () => T): T => {
    f();
    return f();
  };
  const LIB_URL = "require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'esm', 'lib.mjs')).href";
  /** nodeBin's major version: on 24 and later mapsan's ES module hooks run in the thread. */
  let major = 0;
  beforeAll(() => {
    major = Number(node(['-p', 'process.versions.node'], { cwd: fx, node: nodeBin }).stdout.split('.')[0]);
    if (existsSync(join(fx, 'ondemand'))) return; // written for the first Node
    const pkg = join(fx, 'ondemand', 'node_modules', 'load-it');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{"name": "load-it", "main": "index.js"}\n');
    // The only text of the program that holds an import() (node_modules is never transformed).
    writeFileSync(join(pkg, 'index.js'), 'module.exports = (url) => import(url);\n');
    writeFileSync(
      join(fx, 'ondemand', 'via-package.js'),
      `require('load-it')(${LIB_URL}).then((ns) => console.log('instrumented', /_ms/.test(ns.bump.toString())));\n`,
    );
    // The program's own hooks append an export telling whether the source they got from the next
    // hook in the chain was mapsan's output.
    writeFileSync(
      join(fx, 'ondemand', 'own-hooks.mjs'),
      'export async function load(url, context, nextLoad) {\n' +
        '  const r = await nextLoad(url, context);\n' +
        "  if (!url.endsWith('/esm/lib.mjs')) return r;\n" +
        '  const source = String(r.source);\n' +
        '  return { ...r, source: `${source}\\nexport const sawMapsan = ${/_ms/.test(source)};\\n` };\n' +
        '}\n',
    );
    writeFileSync(
      join(fx, 'ondemand', 'own-hooks.js'),
      "require('node:module').register('./own-hooks.mjs', require('node:url').pathToFileURL(__filename));\n" +
        `require('load-it')(${LIB_URL}).then((ns) => console.log('instrumented', /_ms/.test(ns.bump.toString()), 'hooks saw mapsan', ns.sawMapsan));\n`,
    );
    // ES module syntax and no import: Node's syntax detection loads this entry as a module.
    writeFileSync(
      join(fx, 'ondemand', 'export-only.js'),
      "const m = new Map([['k', 1]]);\nexport function probe() { return m.get('k'); }\nconsole.log('export-only', probe(), /_ms/.test(probe.toString()));\n",
    );
    // An entry Node resolves elsewhere: a directory whose package.json says "type": "module" and
    // names the main file, and a symlink to an ES module.
    const dir = join(fx, 'ondemand', 'app-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{"type": "module", "main": "main.js"}\n');
    writeFileSync(join(dir, 'main.js'), "const m = new Map([['d', 1]]);\nconst probe = () => m.get('d');\nconsole.log('dir', probe(), /_ms/.test(probe.toString()));\n");
    writeFileSync(join(fx, 'ondemand', 'real.mjs'), "const m = new Map([['s', 1]]);\nconst probe = () => m.get('s');\nconsole.log('link', probe(), /_ms/.test(probe.toString()));\n");
    symlinkSync(join(fx, 'ondemand', 'real.mjs'), join(fx, 'ondemand', 'link.js'));
    // TypeScript with `export {}` and nothing else of a module: Node loads it as one.
    writeFileSync(join(fx, 'ondemand', 'script.ts'), "const n: number = 2;\nconsole.log('script.ts', n);\nexport {};\n");
    // A preload ahead of mapsan's, whose text mapsan never saw.
    writeFileSync(join(fx, 'ondemand', 'early.js'), 'globalThis.loadLater = (url) => import(url);\n');
    writeFileSync(
      join(fx, 'ondemand', 'after-preload.js'),
      `globalThis.loadLater(${LIB_URL}).then((ns) => console.log('instrumented', /_ms/.test(ns.bump.toString())));\n`,
    );
    // A module first loaded while mapsan transforms a file (Babel's, on a transform-cache miss), then
    // used by the program to import an ES module of its own.
    writeFileSync(join(fx, 'ondemand', 'babel.config.mjs'), "const m = new Map();\nexport const probe = () => m.get(1);\nglobalThis.configInstrumented = /_ms/.test(probe.toString());\nexport default {};\n");
    writeFileSync(
      join(fx, 'ondemand', 'uses-babel.js'),
      "const seen = new Map([['start', 1]]);\n" +
        `require(${JSON.stringify(createRequire(join(ROOT, 'package.json')).resolve('@babel/core'))})\n` +
        "  .loadPartialConfigAsync({ configFile: __dirname + '/babel.config.mjs', babelrc: false })\n" +
        "  .then(() => console.log('config instrumented', globalThis.configInstrumented, seen.get('start')));\n",
    );
    // A REPL the program starts imports what is typed into it.
    writeFileSync(join(fx, 'ondemand', 'console.js'), "require('node:repl').start({ prompt: '' });\n");
    writeFileSync(join(fx, 'ondemand', 'threads.js'), "console.log('threads', require('node:fs').readdirSync('/proc/self/task').length);\n");
  });

  it.each(['cli', 'require'] as const)('via %s: an import() in node_modules loads the program\'s ES module instrumented', (mode) => {
    const r = warm(() => run(mode, 'ondemand/via-package.js', nodeBin));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('instrumented true\n');
  });

  // Where mapsan's hooks stand in the chain does not depend on when they were registered: after the
  // program's module.register hooks (which get mapsan's output from nextLoad) on Node < 24; on Node
  // >= 24 mapsan's run in the thread (module.registerHooks), ahead of every module.register hook.
  it.each(['cli', 'require'] as const)("via %s: hooks the program registers itself keep their place before or after mapsan's", (mode) => {
    const r = warm(() => run(mode, 'ondemand/own-hooks.js', nodeBin));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`instrumented true hooks saw mapsan ${major < 24}\n`);
  });

  it.each(['cli', 'require'] as const)('via %s: an entry with export and no import runs instrumented', (mode) => {
    const r = warm(() => run(mode, 'ondemand/export-only.js', nodeBin));
    expect(r.stderr).not.toMatch(/Error/); // Node warns that the package has no "type", as without mapsan
    expect(r.stdout).toBe('export-only 1 true\n');
  });

  it('an entry Node resolves to an ES module (a directory, a symlink) runs instrumented', () => {
    expect(warm(() => mapsan(['.'], { cwd: join(fx, 'ondemand', 'app-dir'), env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin })).stdout).toBe('dir 1 true\n');
    expect(warm(() => run('require', 'ondemand/link.js', nodeBin)).stdout).toBe('link 1 true\n');
  });

  it('a TypeScript entry whose only module syntax is `export {}` loads', () => {
    const r = warm(() => run('cli', 'ondemand/script.ts', nodeBin));
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.stdout).toBe('script.ts 2\n');
  });

  it("an import() in a preload ahead of mapsan's loads the program's ES module instrumented", () => {
    const r = warm(() => node(['--require', './ondemand/early.js', '--require', REGISTER, 'ondemand/after-preload.js'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('instrumented true\n');
  });

  it('a module first loaded during a transform, later used to import, loads ES modules instrumented', () => {
    const r = mapsan(['ondemand/uses-babel.js'], { cwd: fx, env: { MAPSAN_CACHE: '0' }, node: nodeBin });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('config instrumented true 1\n');
  });

  it('a REPL the program starts imports ES modules instrumented', () => {
    const input = "import('./esm/lib.mjs').then((ns) => console.log('instrumented', /_ms/.test(ns.bump.toString())))\n";
    const r = warm(() => mapsan(['ondemand/console.js'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin, input }));
    expect(r.stdout).toContain('instrumented true');
  });

  it('code given with -e reaches ES modules instrumented', () => {
    const code = "import('./esm/lib.mjs').then((ns) => console.log('instrumented', /_ms/.test(ns.bump.toString())))";
    // With an argument after the code, as `node -e CODE ARG` gives process.argv [node, ARG].
    const r = node(['--require', REGISTER, '-e', code, 'arg'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('instrumented true\n');
  });

  it('MAPSAN_DEBUG=esm says when module.register ran, and why (none on Node 24: in-thread hooks)', () => {
    const env = { MAPSAN_CACHE_DIR: cache, MAPSAN_DEBUG: 'esm' };
    const line = (why: string) => (major < 24 ? `mapsan: ES module hooks registered ${why}\n` : '');
    expect(warm(() => mapsan(['ondemand/threads.js'], { cwd: fx, env, node: nodeBin })).stderr).toBe('');
    expect(warm(() => mapsan(['ondemand/via-package.js'], { cwd: fx, env, node: nodeBin })).stderr).toBe(
      line(`for ${join(fx, 'ondemand', 'node_modules', 'load-it', 'index.js')}`),
    );
    expect(mapsan(['esm/main.mjs'], { cwd: fx, env, node: nodeBin }).stderr).toBe(line(`for the entry ${join(fx, 'esm', 'main.mjs')}`));
    expect(node(['--require', REGISTER, '-e', '1'], { cwd: fx, env, node: nodeBin }).stderr).toBe(line('at start, for code not from a file'));
  });

  // Node's module-hooks thread takes 35-45 ms to start on Node 20: a program that loads no ES module
  // does not start it.
  it.runIf(existsSync('/proc/self/task')).each(['cli', 'require'] as const)('via %s: a CommonJS program runs on as many threads as under node', (mode) => {
    const plain = node(['ondemand/threads.js'], { cwd: fx, node: nodeBin });
    expect(plain.stdout).toMatch(/^threads \d+\n$/);
    expect(warm(() => run(mode, 'ondemand/threads.js', nodeBin)).stdout).toBe(plain.stdout);
  });
});

describe.each(NODES)('TypeScript compiled by a loader of its own (tsx, tsimp), with %s', (nodeBin) => {
  // tsloader/hooks.mjs compiles .ts itself (types, a TC39 decorator, an inline source map), as tsx
  // and tsimp do; mapsan instruments the JavaScript it makes and reports on the .ts lines.
  const env = (asksNext: boolean) => ({ MAPSAN_CACHE_DIR: cache, TS_LOADER_BABEL_FROM: join(ROOT, 'package.json'), TS_LOADER_ASKS_NEXT: asksNext ? '1' : undefined });
  const lostUpdate = (r: Result) => {
    expect(r.stderr).toMatch(/lost update on key 'a' of Map created at tsloader\/main\.ts:3:16/);
    expect(r.stderr).toMatch(/Stale read \(get\) at tsloader\/main\.ts:11:15 in bump/);
    expect(r.stderr).toMatch(/Clobbering write \(set\) at tsloader\/main\.ts:13:5 in bump/);
    expect(r.stdout).toBe('a = 1\n');
    expect(r.code).toBe(66);
  };

  it('runs as under the loader alone', () => {
    const r = node(['--import', './tsloader/register.mjs', 'tsloader/main.ts'], { cwd: fx, env: env(false), node: nodeBin });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('a = 1\n');
    expect(r.code).toBe(0);
  });

  it('registered before mapsan: the race in what it compiled is reported on the .ts lines', () => {
    lostUpdate(node(['--import', './tsloader/register.mjs', '--import', REGISTER_URL, 'tsloader/main.ts'], { cwd: fx, env: env(false), node: nodeBin }));
  });

  it('registered after mapsan, compiling what the next hook returns (tsx): decorators pass through mapsan', () => {
    lostUpdate(node(['--import', REGISTER_URL, '--import', './tsloader/register.mjs', 'tsloader/main.ts'], { cwd: fx, env: env(true), node: nodeBin }));
  });

  // tsloader/require-hook.cjs does for require() what ts-node/register does.
  it('CommonJS, a require hook registered before mapsan: mapsan instruments what it compiled', () => {
    lostUpdate(node(['--require', './tsloader/require-hook.cjs', '--require', REGISTER, 'tsloader/main.ts'], { cwd: fx, env: env(false), node: nodeBin }));
  });

  it('CommonJS, a require hook registered after mapsan: it compiles what mapsan made, decorators included', () => {
    lostUpdate(node(['--require', REGISTER, '--require', './tsloader/require-hook.cjs', 'tsloader/main.ts'], { cwd: fx, env: env(false), node: nodeBin }));
  });
});

describe('decorators', () => {
  // Node runs no decorators; mapsan parses them and prints them back for the loader that lowers them.
  const transform = (source: string) =>
    (createRequire(__filename)(join(ROOT, 'dist', 'src', 'transform.js')) as typeof import('../../src/transform.js'))
      .transform(source, join(fx, 'decorated.ts'), { format: 'module' }).code;

  it.each([
    ['TC39, on a class after export', 'export @sealed class A { @logged m(k: string) { return cache.get(k); } }', [/export @sealed\s+class A/, /@logged\s+m\(k\)/]],
    ['auto-accessors', 'class B { @tracked accessor size = cache.size; }', [/@tracked\s+accessor size/]],
    ['TypeScript experimentalDecorators, on parameters', 'class C { constructor(@Inject(Token) svc: Svc) {} get(k: string) { return cache.get(k); } }', [/constructor\(@Inject\(Token\)\s+svc\)/]],
  ])('%s: kept, and the Map operations instrumented', (_name, source, kept) => {
    const code = transform(`const cache = new Map<string, number>();\n${source}\n`);
    for (const text of kept) expect(code).toMatch(text);
    expect(code).toMatch(/_ms\w*\.(get|size)\(/);
  });
});

describe('TypeScript syntax errors', () => {
  it('point at the TypeScript source', () => {
    writeFileSync(join(fx, 'ts', 'bad.mts'), 'const x: number = ;\n');
    const r = mapsan(['ts/bad.mts'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(fx, 'ts/bad.mts')}:1\nconst x: number = ;\n`);
    expect(r.stderr).toContain('> 1 | const x: number = ;');
  });

  it('a require() of a file with a syntax error throws a catchable SyntaxError', () => {
    writeFileSync(join(fx, 'catch.js'), "try { require('./cjs/bad.js'); } catch (e) { console.log(e.name, e instanceof SyntaxError, e.message.split('\\n')[0]); }\n");
    const r = mapsan(['catch.js'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`SyntaxError true ${join(fx, 'cjs/bad.js')}: Unexpected token (3:15)\n`);
  });
});

describe('input source maps', () => {
  it('composes an adjacent .map file (tsc output): stacks show the original .ts lines', () => {
    // Compile a TypeScript file the way tsc would leave it: out.js + out.js.map next to it.
    const dir = join(fx, 'compiled');
    mkdirSync(dir, { recursive: true });
    const original = [
      'interface Thing { name: string }',
      '',
      '',
      'const things = new Map<string, Thing>();',
      'function fail(key: string): never {',
      '  const t: Thing | undefined = things.get(key);',
      "  throw new Error('no thing ' + key + ' ' + String(t));",
      '}',
      "fail('k');",
      '',
    ].join('\n');
    const babel = createRequire(join(ROOT, 'package.json'))('@babel/core') as typeof import('@babel/core');
    const out = babel.transformSync(original, {
      filename: join(dir, 'src.ts'),
      sourceFileName: 'src.ts',
      configFile: false,
      babelrc: false,
      retainLines: false,
      compact: true,
      sourceMaps: true,
      presets: [require.resolve('@babel/preset-typescript', { paths: [ROOT] })],
    })!;
    writeFileSync(join(dir, 'out.js'), out.code + '\n//# sourceMappingURL=out.js.map\n');
    writeFileSync(join(dir, 'out.js.map'), JSON.stringify(out.map));
    const r = mapsan(['compiled/out.js'], { cwd: fx, env: { MAPSAN_CACHE_DIR: cache } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: no thing k undefined');
    expect(r.stderr).toMatch(/at fail \(.*compiled[\\/]src\.ts:7:9\)/);
  });
});

// A package in node_modules, which mapsan never transforms, keeps the stacks plain node gives it:
// Node >= 22.14 lets source maps be turned on for the other files only.
describe.each(NODES)('source maps of code mapsan does not transform, with %s', (nodeBin) => {
  let filtered = false;
  beforeAll(() => {
    filtered = node(['-p', "typeof require('node:module').setSourceMapsSupport"], { cwd: fx, node: nodeBin }).stdout.trim() === 'function';
    if (existsSync(join(fx, 'mapped'))) return; // written for the first Node
    const babel = createRequire(join(ROOT, 'package.json'))('@babel/core') as typeof import('@babel/core');
    const compiled = babel.transformSync("exports.explode = function explode(): never {\n  throw new Error('boom');\n};\n", {
      filename: join(fx, 'mapped', 'src.ts'),
      sourceFileName: 'src.ts',
      configFile: false,
      babelrc: false,
      compact: true,
      sourceMaps: true,
      presets: [require.resolve('@babel/preset-typescript', { paths: [ROOT] })],
    })!;
    const pkg = join(fx, 'mapped', 'node_modules', 'mapped');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'index.js'), compiled.code + '\n//# sourceMappingURL=index.js.map\n');
    writeFileSync(join(pkg, 'index.js.map'), JSON.stringify(compiled.map));
    writeFileSync(
      join(fx, 'mapped', 'main.js'),
      [
        'const frame = (f) => { try { f(); } catch (e) { return e.stack.split("\\n")[1].trim(); } };',
        "console.log('package', frame(require('mapped').explode));",
        "const m = new Map([['k', 1]]);",
        "console.log('own', m.get('k'));",
        '',
      ].join('\n'),
    );
  });

  it('prints the same stack frames as plain node, and maps them under --enable-source-maps as node does', ({ skip }) => {
    if (!filtered) skip('Node < 22.14: source maps are on for every file (README, Limits)');
    const o = { cwd: join(fx, 'mapped'), env: { MAPSAN_CACHE_DIR: cache }, node: nodeBin };
    const plain = node(['main.js'], o);
    expect(plain.stdout).toMatch(/^package at explode \(.*index\.js:\d+:\d+\)\nown 1\n$/);
    const r = mapsan(['main.js'], o);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(plain.stdout);
    const mapped = node(['--enable-source-maps', 'main.js'], o);
    expect(mapped.stdout).toMatch(/^package at explode \(.*src\.ts:2:9\)\nown 1\n$/);
    expect(node(['--enable-source-maps', '--require', REGISTER, 'main.js'], o).stdout).toBe(mapped.stdout);
  });
});

describe('@babel/core resolution', () => {
  function project(): string {
    const dir = tempDir('mapsan-babel-');
    writeFileSync(join(dir, 'package.json'), '{}\n');
    writeFileSync(
      join(dir, 'app.js'),
      "const m = new Map([[1, 'one']]);\nfunction probe() { return m.get(1); }\n" +
        "console.log(probe(), /_ms/.test(probe.toString()), globalThis.__fakeBabelUsed === true);\n",
    );
    mkdirSync(join(dir, 'node_modules', '@babel'), { recursive: true });
    return dir;
  }

  it("comes from the user's cwd first", () => {
    const dir = project();
    const fake = join(dir, 'node_modules', '@babel', 'core');
    mkdirSync(fake);
    writeFileSync(join(fake, 'package.json'), '{"name": "@babel/core", "version": "7.99.0", "main": "index.js"}\n');
    writeFileSync(
      join(fake, 'index.js'),
      `const real = require(${JSON.stringify(createRequire(join(ROOT, 'package.json')).resolve('@babel/core'))});\n` +
        'module.exports = { ...real, version: "7.99.0", transformSync(...args) { globalThis.__fakeBabelUsed = true; return real.transformSync(...args); } };\n',
    );
    const r = mapsan(['app.js'], { cwd: dir, env: { MAPSAN_CACHE: '0' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('one true true\n');
  });

  it.runIf(existsSync(join(ROOT, 'node_modules', '@babel', 'core-8')))('works with a project on Babel 8', () => {
    const dir = project();
    symlinkSync(join(ROOT, 'node_modules', '@babel', 'core-8'), join(dir, 'node_modules', '@babel', 'core'), 'dir');
    const r = mapsan(['app.js'], { cwd: dir, env: { MAPSAN_CACHE: '0' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('one true false\n');
  });
});

describe('MAPSAN_INCLUDE / MAPSAN_EXCLUDE', () => {
  it.skipIf(USING_PLACEHOLDER)('reach the plugin (CommonJS and the ESM hooks thread alike)', () => {
    const env = { MAPSAN_CACHE_DIR: cache, MAPSAN_EXCLUDE: 'cjs/lib.cjs, esm/lib.mjs' };
    expect(mapsan(['cjs/main.js', 'p1'], { cwd: fx, env }).stdout).toContain('instrumented false');
    expect(mapsan(['esm/main.mjs'], { cwd: fx, env }).stdout).toContain('instrumented false');
    const only = { MAPSAN_CACHE_DIR: cache, MAPSAN_INCLUDE: 'esm/**' };
    expect(mapsan(['cjs/main.js', 'p1'], { cwd: fx, env: only }).stdout).toContain('instrumented false');
    expect(mapsan(['esm/main.mjs'], { cwd: fx, env: only }).stdout).toContain('instrumented true');
  });
});
