// Small programs for the differential harness. `calls` lists runtime calls the instrumented run
// must make, in this order (others may come in between); `none` asserts no Map rewrite ran.

export interface Case {
  name: string;
  code: string;
  calls?: string[];
  none?: boolean;
}

const fail = (expr: string) => `try { ${expr}; console.log('no error') } catch (e) { console.log(e.constructor.name, e.message) }`;

export const CASES: Case[] = [
  {
    name: 'basic operations',
    code: `const m = new Map([['a', 1]]);
      console.log(m.set('b', 2) === m, m.get('a'), m.has('b'), m.size);
      console.log(m.delete('a'), m.delete('zz'), m.size);
      m.set(1, 2).set(3, 4); m.clear(); console.log(m.size, [...m]);`,
    calls: ['newMap', 'set', 'get', 'has', 'size', 'del', 'del', 'size', 'set', 'set', 'clear', 'size', 'iter'],
  },
  {
    name: 'computed names and Symbol.iterator',
    code: `const m = new Map(); m['set']('a', 1); console.log(m["get"]('a'), m['has']('b'));
      const it = m[Symbol.iterator](); console.log(it, it.next(), m['size']);`,
    calls: ['set', 'get', 'has', 'iterator', 'size'],
  },
  {
    name: 'forEach, keys, values, entries keep iterator identity',
    code: `const m = new Map([[1, 'a'], [2, 'b']]);
      m.forEach(function (v, k, map) { console.log(k, v, map === m, this.tag) }, { tag: 't' });
      m.forEach((v, k) => console.log(k, v));
      console.log(m.keys(), m.values(), m.entries(), Object.prototype.toString.call(m.keys()));
      console.log(m.keys().next(), [...m.values()]);`,
    calls: ['apply', 'forEach', 'keys', 'values', 'entries', 'keys'],
  },
  {
    name: 'iteration consumers',
    code: `const m = new Map([[1, 'a'], [2, 'b']]);
      for (const [k, v] of m) console.log(k, v);
      console.log([...m], Math.max(...m.keys()), Array.from(m, ([k, v]) => k + v), Array.from(m));
      function* g() { yield* m; yield* m.values() } console.log([...g()]);
      const [first, ...rest] = m; console.log(first, rest);
      let a, b; [a, b] = m; console.log(a, b);
      const same = ([a] = m); console.log(same === m, a);
      for ([a, b] of m) console.log(a, b);
      class F { constructor(...args) { console.log(args.length) } } new F(...m);`,
    calls: ['iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter', 'iter'],
  },
  {
    name: 'getter on get runs once, argument side effects in order',
    code: `const log = [];
      const o = { get get() { log.push('lookup'); return (...a) => a.join('+') } };
      function recv() { log.push('recv'); return o }
      function arg(x) { log.push('arg' + x); return x }
      console.log(recv().get(arg(1)), recv().get(arg(2), arg(3)), log.join(' '));
      const bad = { get get() { log.push('bad lookup'); return 5 } };
      ${fail("bad.get(arg(4))")}
      console.log(log.join(' '));`,
    calls: ['get', 'apply', 'get'],
  },
  {
    name: 'size reads and writes',
    code: `let n = 0; const o = { get size() { n++; return 3 } }; console.log(o.size, n);
      const p = { size: 1 }; p.size = 2; p.size++; p.size += 1; console.log(p.size);
      [p.size] = [7]; console.log(p.size); ({ a: p.size } = { a: 8 }); console.log(p.size);
      for (p.size of [9]) ; console.log(p.size); delete p.size; console.log(p.size, 'size' in p);
      const q = { size() { return this === q } }; console.log(q.size(), new Map([[1, 1]]).size);`,
    calls: ['size', 'size', 'size', 'size', 'size'],
  },
  {
    name: 'this inside methods replaced on the instance',
    code: `const m = new Map([[1, 'one']]);
      m.get = function (k) { return (this === m) + ':' + k + ':' + Map.prototype.get.call(this, k) };
      m.set = () => 'replaced';
      console.log(m.get(1), m.set(2, 3), m.has(2));`,
    calls: ['get', 'set', 'has'],
  },
  {
    name: 'look-alike objects',
    code: `class Store { constructor() { this.data = {} }
        get(k) { return this.data[k] } set(k, v) { this.data[k] = v; return this } delete(k) { return delete this.data[k] }
        has(k) { return k in this.data } get size() { return Object.keys(this.data).length } }
      const s = new Store(); s.set('a', 1).set('b', 2); console.log(s.get('a'), s.has('b'), s.size, s.delete('a'), s.size);
      const arr = [3, 4]; console.log([...arr.keys()], [...arr.entries()], new Set([1]).has(1));
      arr.forEach((x, i) => console.log(x, i));
      const params = new URLSearchParams('a=1'); console.log(params.get('a'), params.has('b'));`,
    calls: ['set', 'set', 'get', 'has', 'size', 'del', 'size'],
  },
  {
    name: 'Map subclasses and super',
    code: `class Counted extends Map {
        get(k) { return 'sub:' + super.get(k) }
        has(k) { return super['has'](k) }
        set(k, v) { return super.set?.(k, v) }
        entriesOf() { return [...super.entries()] }
      }
      const c = new Counted([[1, 'a']]); c.set(2, 'b');
      console.log(c.get(1), c.get(2), c.has(2), c.entriesOf(), c instanceof Map, c.size);
      class Missing extends Map { foo() { return super.nope?.(1) } bar() { return super.nope(1) } }
      console.log(new Missing().foo());
      ${fail('new Missing().bar()')}`,
    calls: ['set', 'get', 'get', 'get', 'get', 'has', 'has'],
  },
  {
    name: 'optional chains short-circuit at every position',
    code: `const map = new Map([[1, { c: 'C' }], [2, null]]);
      const nul = null, und = undefined, o = { m: map, none: null, self() { return this }, g: undefined };
      console.log(nul?.get(1), und?.get(1), nul?.m.get(1).c, o?.m.get(1).c, o.none?.get(1).c);
      console.log(o?.m.get(2)?.c, o?.m.get(3)?.c.d.e, o.m?.get(1)?.c, o?.["m"].get(1).c, o?.m['get'](1).c);
      console.log(o.m.get?.(1).c, o.g?.(1).x.y, o?.self().m.get(1).c, o?.self?.().m.size);
      console.log(o?.m.has(1), nul?.size, o?.m.size, o?.none?.size);
      const fns = { mk: () => map }; console.log(fns.mk?.()?.get(1).c, fns.nope?.()?.get(1));
      let count = 0; const counted = { get m() { count++; return map } };
      console.log(counted?.m.get(1).c, counted.m?.get?.(1).c, count);
      const noGet = { get: undefined }; console.log(noGet.get?.(1), noGet?.get?.(1));`,
    calls: ['get', 'get', 'get', 'get'],
  },
  {
    name: 'optional chain evaluation order',
    code: `const log = [];
      const t = (x, v) => (log.push(x), v);
      const m = new Map([['k', 1]]);
      const o = { get m() { log.push('m'); return m } };
      console.log(t('base', o)?.m.get(t('arg', 'k')), log.join(' '));
      console.log(t('base', null)?.m.get(t('arg', 'k')), log.join(' '));
      const p = { get get() { log.push('lookup'); return function (k) { return this === p && k } } };
      console.log(t('recv', p).get?.(t('arg2', 5)), log.join(' '));`,
    calls: ['get', 'get'],
  },
  {
    name: 'non-callable methods throw V8 messages',
    code: `const x = { get: 5, set: null, has: {}, y: { get: 'str' }, [Symbol.iterator]: 1 };
      const a = [x]; function f() { return x } this.store = x;
      ${fail('x.get(1)')} ${fail("x['set'](1, 2)")} ${fail('x?.has(1)')} ${fail('x.y.get(1)')} ${fail('this.store.get(1)')}
      ${fail('a[0].get(1)')} ${fail('f().get(1)')} ${fail('x[Symbol.iterator]()')} ${fail('(0, x).get(1)')}
      ${fail('({ get: 1 }).get(1)')} ${fail('x.get(...[1, 2])')} ${fail('x.get(1, 2)')} ${fail('null.get(1)')}
      ${fail('undefined.size')} ${fail('x.get?.(1)')} ${fail('x?.y.get(1).z')} ${fail('(x || a).get(1)')}
      ${fail('x.y?.get(1)')} ${fail('[x][0].set()')} ${fail('"s".get()')} ${fail('(1).clear()')}`,
    calls: ['get', 'set', 'has', 'get'],
  },
  {
    name: 'spread and extra arguments',
    code: `const m = new Map(); const args = ['a', 1];
      m.set(...args); console.log(m.get(...['a']), m.get('a', 'extra'), m.has(), m.set('b'), m.get('b'));
      console.log(m.forEach((v, k) => 0, null), m.keys('x').next(), m.delete('a', 'b'), [...m.entries(1)]);`,
    calls: ['apply', 'apply', 'apply', 'apply', 'apply', 'get'],
  },
  {
    name: 'Map.prototype methods through call and apply',
    code: `const m = new Map([['a', 1]]);
      console.log(Map.prototype.get.call(m, 'a'), Map.prototype.set.apply(m, ['b', 2]).size, Map.prototype.has.call(m, 'b', 'extra'));
      console.log(Map.prototype.keys.apply(m).next(), Map.prototype.clear.apply(m, null), m.size, Map.prototype.set.call(m, ...['c', 3]).get('c'));
      ${fail('Map.prototype.get.call({}, 1)')} ${fail('Map.prototype.get.call()')} ${fail('Map.prototype.get.apply(m, 5)')}
      const lookalike = { get(k) { return [this.tag, k] } }; console.log(lookalike.get.call({ tag: 't' }, 'k'));
      const orig = Function.prototype.call;
      Function.prototype.call = function (...a) { console.log('patched call'); return Reflect.apply(orig, this, a) };
      console.log(Map.prototype.get.call(m, 'a')); Function.prototype.call = orig;
      const getter = Map.prototype.get; getter.call = 5; ${fail('Map.prototype.get.call(m, "a")')}
      getter.call = function (r, k) { return 'own:' + k }; console.log(Map.prototype.get.call(m, 'a')); delete getter.call;`,
    calls: ['apply', 'apply', 'apply', 'apply', 'apply', 'apply'],
  },
  {
    name: 'nested and chained rewrites share temporaries safely',
    code: `const m = new Map([['a', 'b'], ['b', new Map([['c', 'd']])]]);
      console.log(m.get(m.get('a')).get('c'), m.get('b').get(m.get('a') === 'b' ? 'c' : 'x'));
      function rec(n) { return n === 0 ? m : Map.prototype.get.call(rec(n - 1), 'b') === undefined ? 'u' : rec(n - 1) }
      console.log(rec(3) === m);
      const w = new Map([[1, new Map([[2, 3]])]]); console.log(w.get(1).get(2), w.get(1)?.get(2), w?.get(1).get?.(2));`,
    calls: ['get', 'get', 'get'],
  },
  {
    name: 'shadowed globals are not rewritten',
    code: `{ class Map { constructor() { this.kind = 'mine' } } const m = new Map(); console.log(m.kind) }
      { const Array = { from: (x) => 'mine' }; console.log(Array.from(new globalThis.Map())) }
      { const Symbol = { iterator: 'it' }; const o = { it() { return 'str key' } }; console.log(o[Symbol.iterator]()) }`,
    none: true,
  },
  {
    name: 'with statements see the receiver once',
    code: `let m = new Map([[1, 'outer']]);
      with ({ get m() { console.log('getter'); return new Map([[1, 'inner']]) } }) { console.log(m.get(1)) }
      with ({ q: new Map([[2, 'q']]) }) { console.log(q.get(2)) }`,
    calls: ['get', 'get'],
  },
  {
    name: 'class fields, static blocks, getters',
    code: `class A { m = new Map([[1, 2]]); v = this.m.get(1); static s = new Map([[3, 4]]); static { console.log(this.s.get(3)) }
        get first() { return this.m.keys().next().value } }
      const a = new A(); console.log(a.v, a.first, A.s.size);`,
    calls: ['newMap', 'get', 'get', 'keys', 'size'],
  },
  {
    name: 'use strict directives are preserved',
    code: `"use strict";
      const m = new Map();
      try { undeclaredVariable = 1 } catch (e) { console.log(e.constructor.name) }
      async function f() { "use strict"; return typeof this }
      function g() { return this === undefined } console.log(m.size, g());
      globalThis.__done = f().then((v) => console.log(v));`,
    calls: ['newMap', 'size', 'enter', 'ret', 'leave'],
  },
  {
    name: 'async functions: values, throws, try/finally, interleaving',
    code: `const m = new Map();
      const tick = (v) => new Promise((r) => setTimeout(() => r(v), 1));
      async function value() { return 1 }
      async function thrower() { await null; throw new RangeError('boom') }
      async function fin() { try { return await tick('try') } finally { console.log('finally') } }
      async function early(x) { if (x) return 'early'; m.set('k', x); return m.get('k') }
      async function order(name) { console.log(name, 1); await null; console.log(name, 2); await Promise.resolve(); console.log(name, 3) }
      const arrow = async (k) => m.get(k);
      const obj = { async method() { return this === obj }, async *gen() { yield 1; yield* [2, 3]; return 4 } };
      class K { async method() { return value() } static async st() { return K.name } async #p() { return 'private' } callP() { return this.#p() } }
      async function main() {
        console.log(await value(), await fin(), await early(true), await early(0), await arrow('k'));
        try { await thrower() } catch (e) { console.log(e.constructor.name, e.message) }
        await Promise.all([order('a'), order('b')]);
        console.log(await obj.method(), await new K().method(), await K.st(), await new K().callP());
        const out = []; for await (const v of obj.gen()) out.push(v); console.log(out);
        const it = obj.gen(); console.log(await it.next(), await it.return(9), await it.next());
        await thrower().catch((e) => console.log('caught', e.message)).finally(() => console.log('fin'));
        return m;
      }
      __done = main().then((r) => console.log(r));`,
    calls: ['enter', 'aw', 'dm', 'ret', 'leave'],
  },
  {
    name: 'async bodies keep their scoping inside try/finally',
    code: `"use strict";
      async function f(a, b = () => typeof g) {
        var g = 1; console.log(g, h(), b(), arguments.length, typeof inner, this);
        function g() { return 2 } function h() { return 1 } function h() { return 3 }
        let x = 'x'; const fns = []; for (let i = 0; i < 2; i++) fns.push(() => i + x);
        function inner() { return x } console.log(fns.map((fn) => fn()), inner(), g);
        return (async () => [typeof this, await inner()])();
      }
      globalThis.__done = f.call('self', 1).then((v) => console.log(v));`,
    calls: ['enter', 'enter', 'aw', 'ret', 'leave', 'ret', 'leave'],
  },
  {
    name: 'temporaries in expression-bodied arrows, class fields and loops',
    code: `globalThis.gm = new Map([[1, 'one'], [2, 'two']]);
      const get = (k) => gm.get(k), call = (k) => Map.prototype.get.call(gm, k), opt = (o) => o?.m.get(1);
      let a, b; const destr = () => [a, b] = gm; const r = destr();
      class C { v = gm.get(2); w = Map.prototype.get.call(gm, 1); static x = gm?.get(1) }
      console.log(get(1), call(2), opt({ m: gm }), opt(null), r === gm, a, b, new C().v, new C().w, C.x);
      for ([a, b] = gm; a; a = null) console.log(a, b);
      const nested = gm.get(gm.get(1) === 'one' ? 2 : 1); console.log(nested, delete gm?.size, gm.size);`,
    calls: ['newMap', 'get', 'apply', 'get', 'iter'],
  },
  {
    name: 'awaited optional and look-alike async calls',
    code: `const backing = new Map([['k', 'v']]);
      const store = { async get(k) { await null; return backing.get(k) }, async has(k) { return backing.has(k) } };
      async function read(s, k) { if (await s?.has(k)) return await s.get(k); return s?.get?.(k) }
      globalThis.__done = (async () => { console.log(await read(store, 'k'), await read(store, 'x'), await read(null, 'k')) })();`,
    calls: ['enter', 'enter', 'dm', 'apply', 'enter', 'dm', 'apply', 'ret', 'leave', 'aw', 'aw', 'dm', 'apply', 'enter'],
  },
  {
    name: 'async function rejects',
    code: `async function f() { const m = new Map(); await m.get(1); throw new TypeError('bad ' + m.size) }
      __done = f();`,
    calls: ['enter', 'dm', 'apply', 'aw', 'size', 'leave'],
  },
  {
    name: 'directly awaited calls get dm, others do not',
    code: `async function load(k) { return k }
      async function direct() { await load(1); const p = load(2); await p; return load(3).then((x) => x) }
      __done = direct().then((v) => console.log(v));`,
    calls: ['enter', 'dm', 'enter', 'aw', 'enter'],
  },
  {
    name: 'generators and yield*',
    code: `const m = new Map([[1, 'a'], [2, 'b']]);
      function* g() { const got = yield* m; console.log('done', got); yield* m.keys() }
      console.log([...g()]);
      function* h() { yield* m.entries(); } const it = h(); console.log(it.next(), it.return(5), it.next());`,
    calls: ['iter', 'keys', 'iter', 'entries', 'iter'],
  },
  {
    name: 'next() calls: Map iterators stepped by hand, generators, look-alikes, replaced methods',
    code: `const m = new Map([[1, 'a'], [2, 'b']]);
      const it = m.entries(); console.log(it.next(), it.next(), it.next(), it.next());
      function* g() { const x = yield 1; console.log('got', x) } const gen = g(); console.log(gen.next(), gen.next(5), gen.next());
      const o = { next() { return this === o } }; console.log(o.next(), o?.next(), o.next?.(), o['next']());
      const k = m.keys(); k.next = () => 'own'; console.log(k.next(), m.values().next.call(m.values()));
      ${fail('({}).next()')} ${fail('({ next: 1 }).next()')} ${fail('m.keys().next.call({})')} ${fail('gen.next.call(m.keys())')}`,
    calls: ['entries', 'next', 'next', 'next', 'next', 'next', 'apply', 'next', 'next', 'next', 'next', 'next', 'keys', 'next'],
  },
  {
    name: 'errors thrown by receivers and arguments propagate unchanged',
    code: `const m = new Map();
      function boom() { throw new SyntaxError('arg') }
      ${fail('m.set(boom(), 1)')} ${fail('(() => { throw new EvalError("recv") })().get(1)')}
      const o = { get get() { throw new RangeError('lookup') } }; ${fail('o.get(boom())')}
      ${fail('m.forEach(() => { throw new URIError("cb") })')} m.set(1, 1); ${fail('m.forEach(() => { throw new URIError("cb") })')}`,
    calls: ['forEach'],
  },
];
