'use strict';
// A pass-through stand-in for mapsan's runtime, for the plugin's differential tests: every call
// does exactly what the original expression does, and records its name in `log` so a test can
// tell that a form was rewritten. It is evaluated inside the program's own vm context (or
// imported by a child node), so the errors it throws come from the program's realm.

const log = [];
const files = [];
const sites = [];
const EMPTY = [];

function calleeOf(s) {
  const site = sites[s];
  return site === undefined ? 'expression' : site[3];
}

function call(name, r, m, s, args) {
  log.push(name);
  if (typeof m !== 'function') throw new TypeError(calleeOf(s) + ' is not a function');
  return Reflect.apply(m, r, args);
}

module.exports = {
  log,
  files,
  sites,
  file(name, table) {
    log.push('file');
    files.push(name);
    const base = sites.length;
    for (const site of table) sites.push(site);
    return base;
  },
  get: (r, m, s, k) => call('get', r, m, s, [k]),
  has: (r, m, s, k) => call('has', r, m, s, [k]),
  set: (r, m, s, k, v) => call('set', r, m, s, [k, v]),
  del: (r, m, s, k) => call('del', r, m, s, [k]),
  clear: (r, m, s) => call('clear', r, m, s, []),
  forEach: (r, m, s, f) => call('forEach', r, m, s, [f]),
  keys: (r, m, s) => call('keys', r, m, s, []),
  values: (r, m, s) => call('values', r, m, s, []),
  entries: (r, m, s) => call('entries', r, m, s, []),
  iterator: (r, m, s) => call('iterator', r, m, s, []),
  next: (r, m, s) => call('next', r, m, s, []),
  apply: (r, m, s, args) => call('apply', r, m, s, args),
  size(r, s) {
    log.push('size');
    return r.size;
  },
  iter(v, s) {
    log.push('iter');
    return v;
  },
  newMap(m, s) {
    log.push('newMap');
    return m;
  },
  enter(s) {
    log.push('enter');
    return s;
  },
  leave(t) {
    log.push('leave');
  },
  aw(x) {
    log.push('aw');
    return x;
  },
  dm() {
    log.push('dm');
    return EMPTY;
  },
  ret(x) {
    log.push('ret');
    return x;
  },
  gr(t, value) {
    log.push('gr');
    return value;
  },
  fa(iterable) {
    log.push('fa');
    return iterable;
  },
};

if (typeof process !== 'undefined' && process.env.MAPSAN_STUB_LOG) {
  process.on('exit', () => process.stderr.write('MAPSAN_STUB_LOG ' + JSON.stringify(log) + '\n'));
}
