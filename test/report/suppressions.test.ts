import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../runtime/options.js';
import { isSuppressed, parseSuppressions } from '../../runtime/report/suppressions.js';

const access = (file: string, fn: string) => ({ file, fn });

describe('suppressions', () => {
  it('skips comments and blank lines', () => {
    const rules = parseSuppressions('# legacy code\n\n  race:vendor/**  \nlost-update:bump\n', 'supp.txt');
    expect(rules.map((r) => [r.kind, r.pattern])).toEqual([
      ['race', 'vendor/**'],
      ['lost-update', 'bump'],
    ]);
  });

  it('matches a kind, or any kind with race:', () => {
    const rules = parseSuppressions('stale-read:bump', 's');
    expect(isSuppressed(rules, 'stale-read', [access('/p/src/a.ts', 'bump')])).toBe(true);
    expect(isSuppressed(rules, 'lost-update', [access('/p/src/a.ts', 'bump')])).toBe(false);
    expect(isSuppressed(parseSuppressions('race:bump', 's'), 'lost-update', [access('/p/src/a.ts', 'bump')])).toBe(true);
  });

  it('matches file globs against the end of the path, by whole components', () => {
    const sub = (pattern: string, file: string) => isSuppressed(parseSuppressions(`race:${pattern}`, 's'), 'write-write', [access(file, 'f')]);
    expect(sub('src/cache.ts', '/home/u/app/src/cache.ts')).toBe(true);
    expect(sub('./src/cache.ts', '/home/u/app/src/cache.ts')).toBe(true);
    expect(sub('cache.ts', '/home/u/app/src/mycache.ts')).toBe(false);
    expect(sub('*.ts', '/home/u/app/src/cache.ts')).toBe(true);
    expect(sub('src/*.ts', '/home/u/app/src/deep/cache.ts')).toBe(false);
    expect(sub('src/**/*.ts', '/home/u/app/src/deep/cache.ts')).toBe(true);
    expect(sub('**/vendor/**', '/home/u/app/vendor/lib/x.js')).toBe(true);
    expect(sub('cache?.ts', '/a/cache1.ts')).toBe(true);
  });

  it('matches function names, with * crossing dots', () => {
    const sub = (pattern: string, fn: string) => isSuppressed(parseSuppressions(`race:${pattern}`, 's'), 'read-write', [access('/a.ts', fn)]);
    expect(sub('Cache.*', 'Cache.get')).toBe(true);
    expect(sub('bump', 'bumpAll')).toBe(false);
    expect(sub('bump*', 'bumpAll')).toBe(true);
  });

  it('matches when any access matches', () => {
    const rules = parseSuppressions('lost-update:reset', 's');
    expect(isSuppressed(rules, 'lost-update', [access('/a.ts', 'bump'), access('/a.ts', 'reset')])).toBe(true);
  });

  it('rejects malformed lines with one clear message naming file and line', () => {
    expect(() => parseSuppressions('# ok\nrace', 'supp.txt')).toThrow(new OptionsError("mapsan: suppressions file 'supp.txt' line 2: expected kind:pattern, got 'race'"));
    expect(() => parseSuppressions('deadlock:x', 'supp.txt')).toThrow(/line 1: unknown kind 'deadlock' \(known: race, lost-update,/);
    expect(() => parseSuppressions('race:  ', 'supp.txt')).toThrow(/line 1: empty pattern after 'race:'/);
  });
});
