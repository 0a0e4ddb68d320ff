// The code the plugin emits for each form, the header, and the site table.

import { describe, expect, it } from 'vitest';
import { BABELS, FIXTURE_FILE, PLUGIN, type Babel } from './harness';

function emit(babel: Babel, code: string, sourceType: 'module' | 'script' = 'script', extra: object = {}): string {
  return babel.transformSync(code, {
    filename: FIXTURE_FILE,
    configFile: false,
    babelrc: false,
    sourceType,
    compact: false,
    plugins: [[PLUGIN, { runtime: 'RT' }]],
    ...extra,
  })!.code!;
}

/** The statements after the header, on one line each where Babel prints them so. */
function body(code: string): string {
  return code.replace(/^(var _ms = require|import _ms from)[\s\S]*?\]\)(,\s*_ms[ca] = Function\.prototype\.(call|apply))*;\n/, '');
}

function sites(code: string): unknown[] {
  const m = /_ms\.file\(("(?:[^"\\]|\\.)*"), (\[[\s\S]*?\]\])\)/.exec(code);
  return m ? [JSON.parse(m[1]), JSON.parse(m[2])] : [];
}

describe.each(BABELS)('%s: emitted code', (_name, babel) => {
  const one = (src: string) => body(emit(babel, src)).trim();

  it('Map method calls: exact arity, apply otherwise, receiver evaluated once', () => {
    expect(one('m.get(k);')).toBe('var _r;\n_ms.get(_r = m, _r.get, _msb + 0, k);');
    expect(one('let m; m.get(k);')).toBe('let m;\n_ms.get(m, m.get, _msb + 0, k);');
    expect(one('a.b.set(k, v);')).toContain('_ms.set(_r = a.b, _r.set, _msb + 0, k, v);');
    expect(one("x['delete'](k);")).toContain("_ms.del(_r = x, _r['delete'], _msb + 0, k);");
    expect(one('this.c.clear();')).toContain('_ms.clear(_r = this.c, _r.clear, _msb + 0);');
    expect(one('this.has(k);')).toBe('_ms.has(this, this.has, _msb + 0, k);');
    expect(body(emit(babel, 'import { m } from "dep";\nm.get(k);', 'module'))).toContain('_ms.get(_r = m, _r.get, _msb + 0, k);');
    expect(one('x.forEach(f, t);')).toContain('_ms.apply(_r = x, _r.forEach, _msb + 0, [f, t]);');
    expect(one('x.keys(); x.values(); x.entries();')).toContain('_ms.keys(_r = x, _r.keys, _msb + 0);');
    expect(one('x[Symbol.iterator]();')).toContain('_ms.iterator(_r = x, _r[Symbol.iterator], _msb + 0);');
    expect(one('x.get(...a);')).toContain('_ms.apply(_r = x, _r.get, _msb + 0, [..._ms.iter(a, _msb + 1)]);');
  });

  it('super, size, new Map and iteration consumers', () => {
    expect(one('class A extends Map { get(k) { return super.get(k) } }')).toContain('return _ms.get(this, super.get, _msb + 0, k);');
    expect(one('x.size;')).toBe('_ms.size(x, _msb + 0);');
    expect(one('x.size = 1; x.size++; delete x.size; x.size();')).not.toContain('_ms');
    expect(one('new Map(e);')).toBe('_ms.newMap(new Map(e), _msb + 0);');
    expect(one('for (const v of m);')).toBe('for (const v of _ms.iter(m, _msb + 0));');
    expect(one('[...m]; f(...m); new F(...m);')).toBe('[..._ms.iter(m, _msb + 0)];\nf(..._ms.iter(m, _msb + 1));\nnew F(..._ms.iter(m, _msb + 2));');
    expect(one('Array.from(m, f);')).toBe('Array.from(_ms.iter(m, _msb + 0), f);');
    expect(one('function* g() { yield* m; }')).toContain('yield* _ms.iter(m, _msb + 0);');
    expect(one('const [a, b] = m;')).toBe('const [a, b] = _ms.iter(m, _msb + 0);');
    expect(one('[a, b] = m;')).toBe('[a, b] = _ms.iter(m, _msb + 0);');
    expect(one('x = [a] = m;')).toContain('x = (_v = m, [a] = _ms.iter(_v, _msb + 0), _v);');
    expect(one('async function f() { for await (const v of m); }')).not.toContain('_ms.iter');
    expect(one('({ ...m });')).not.toContain('_ms');
  });

  it('optional chains are lowered once per part', () => {
    expect(one('x?.get(k);')).toContain('(_o = x) == null ? void 0 : _ms.get(_o, _o.get, _msb + 0, k);');
    expect(one('x.get?.(k);')).toContain('(_f = (_r = x).get) == null ? void 0 : _ms.get(_r, _f, _msb + 0, k);');
    expect(one('a?.b.get(k).c;')).toContain('(_o = a) == null ? void 0 : _ms.get(_r = _o.b, _r.get, _msb + 0, k).c;');
    expect(one('a?.b?.size;')).toContain('(_o = a) == null ? void 0 : (_o = _o.b) == null ? void 0 : _ms.size(_o, _msb + 0);');
    expect(one('a?.b.c();')).toBe('a?.b.c();');
  });

  it('Map.prototype methods through call/apply check the original Function.prototype.call', () => {
    const code = emit(babel, 'Map.prototype.get.call(m, k);');
    expect(code).toContain('_msc = Function.prototype.call;');
    expect(body(code)).toContain(
      '(_f = Map.prototype.get, _c = _f.call) === _msc ? _ms.apply(m, _f, _msb + 0, [k]) : _ms.apply(_f, _c, _msb + 0, [m, k]);',
    );
    expect(body(emit(babel, 'Map.prototype.set.apply(m, a);'))).toContain(
      '(_f = Map.prototype.set, _c = _f.apply) === _msa ? _ms.apply(m, _f, _msb + 0, (_a = a, _a == null ? [] : _a)) : _ms.apply(_f, _c, _msb + 0, [m, a]);',
    );
    expect(emit(babel, 'const Function = 1; Map.prototype.get.call(m, k);')).not.toContain('_ms');
  });

  it('async functions: enter/leave, aw, ret and directly awaited calls', () => {
    expect(one('async function f() { "use strict"; await g(); return h(); }')).toBe(
      [
        'async function f() {',
        '  "use strict";',
        '',
        '  const _t = _ms.enter(_msb + 0);',
        '  try {',
        '    await _ms.aw(g(..._ms.dm()));',
        '    return _ms.ret(h(..._ms.dm()));',
        '  } finally {',
        '    _ms.leave(_t);',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(one('const f = async () => g(1);')).toContain('return _ms.ret(g(1, ..._ms.dm()));');
    const chained = one('async function f() { await a.load(k).then(x).catch(y).finally(z); return await b(); }');
    expect(chained).toContain('await _ms.aw(a.load(k, ..._ms.dm()).then(x).catch(y).finally(z));');
    expect(chained).toContain('return _ms.ret(await _ms.aw(b(..._ms.dm())));');
    const indirect = one('async function f() { const p = g(); await p; await Promise.all([g()]); await (0, g)().x; return [g()]; }');
    expect(indirect).toContain('const p = g();');
    expect(indirect).toContain('await _ms.aw(Promise.all([g()], ..._ms.dm()));');
    expect(indirect).toContain('return _ms.ret([g()]);');
    expect(indirect).not.toMatch(/g\(\.\.\._ms\.dm/);
    expect(one('async function f() { await import("x"); }')).toContain('await _ms.aw(import("x"));');
    expect(one('async function f(m) { await m.get(k); }')).toContain('await _ms.aw(_ms.apply(m, m.get, _msb + 1, [k, ..._ms.dm()]));');
    expect(one('function f() { return g(); } async function* a() { yield 1; for await (const x of y); }')).toContain('return g();');
    expect(one('class A { async m() {} static async *g() {} } const o = { async m() {} };')).toMatch(/(_ms\.enter[\s\S]*){3}/);
  });

  it('header: CommonJS or ES module, unique names, sites', () => {
    const cjs = emit(babel, 'm.get(k);');
    expect(cjs).toMatch(/^var _ms = require\("RT"\),\n {2}_msb = _ms\.file\(/);
    expect(sites(cjs)).toEqual([FIXTURE_FILE, [[1, 0, 'get', 'm.get', '<top>']]]);
    const esm = emit(babel, 'import x from "y";\nx.get(k);', 'module');
    expect(esm).toMatch(/^import _ms from "RT";\nvar _msb = _ms\.file\(/);
    expect(emit(babel, 'export const s = m.size;', 'module')).toMatch(/^import _ms from "RT";/);
    expect(emit(babel, 'm.get(k);', 'module')).toMatch(/^var _ms = require/);
    expect(emit(babel, 'm.get(k);', 'module', { filename: FIXTURE_FILE.replace(/\.js$/, '.mjs') })).toMatch(/^import _ms from/);
    expect(emit(babel, 'console.log(import.meta.url, m.size);', 'module')).toMatch(/^import _ms from/);

    const clash = emit(babel, 'var _ms = 1, _msb = 2; function f() { let _ms2; return m.get(_ms + _msb); }');
    expect(clash).toMatch(/^var _ms3 = require\("RT"\),\n {2}_msb2 = _ms3\.file\(/);
    expect(clash).toContain('_ms3.get(_r = m, _r.get, _msb2 + 0, _ms + _msb)');

    const table = sites(
      emit(babel, 'const m = new Map();\nasync function load(k) {\n  return m.get(k);\n}\nconst o = { f: () => m.size, g() { m.clear() } };\n'),
    );
    expect(table[1]).toEqual([
      [1, 10, 'new', '', '<top>'],
      [2, 0, 'async', '', 'load'],
      [3, 9, 'apply', 'm.get', 'load'],
      [5, 21, 'size', '', 'f'],
      [5, 35, 'clear', 'm.clear', 'g'],
    ]);
  });

  it("temporaries: Babel's generateUid names, one var per scope in the order made", () => {
    // plugin/uid.ts and VisitState.declareTemps make temporaries in constant time; the code must
    // stay what generateUid + scope.push per temporary gave (the same on Babel 7 and 8).
    const fns = Array.from({ length: 12 }, (_, i) => `async function f${i}() { m.get(k); }`).join('\n');
    const code = one(`var _t3;\n${fns}\nx = [a] = m; y = [b] = m; Map.prototype.get.call(m, k); m.get(k);\n(function () { m.get(k); x = [a] = m; })();`);
    const tokens = [...code.matchAll(/const (_t\d*) = _ms\.enter/g)].map((m) => m[1]);
    expect(tokens).toEqual(['_t', '_t2', '_t4', '_t5', '_t6', '_t7', '_t8', '_t9', '_t0', '_t1', '_t10', '_t11']);
    expect([...code.matchAll(/^ {2}var (_r\d*);$/gm)].map((m) => m[1])).toEqual(['_r', '_r2', '_r3', '_r4', '_r5', '_r6', '_r7', '_r8', '_r9', '_r0', '_r1', '_r10']);
    expect(code).toMatch(/^var _v, _v2, _f, _c, _r11;\nvar _t3;\n/);
    expect(code).toContain('(function (_r12, _v3) {');
  });

  it('leaves nodes without a position alone (made by an earlier plugin)', () => {
    const inject = ({ types: t }: { types: any }) => ({
      visitor: {
        Program(path: any) {
          path.unshiftContainer('body', t.expressionStatement(t.callExpression(t.memberExpression(t.identifier('a'), t.identifier('get')), [])));
        },
      },
    });
    const code = babel.transformSync('b.get(1);', {
      filename: FIXTURE_FILE,
      configFile: false,
      babelrc: false,
      plugins: [inject, [PLUGIN, { runtime: 'RT' }]],
    })!.code!;
    expect(code).toContain('a.get();');
    expect(code).toContain('_ms.get(_r = b, _r.get, _msb + 0, 1);');
  });
});
