// Async iteration through the real plugin and CLI: `for await` steps and async generator yields are
// suspension points, and an async generator is an activation of its own.
import { describe, expect, it } from 'vitest';
import { runFixture, shapes } from './run-fixture.js';

const { fa } = require('../../dist/runtime/activation.js') as { fa: (x: unknown) => unknown };

describe('async iteration', () => {
  it('race-for-await-first-suspension: the caller gets its segment back at the first for-await step', () => {
    const { plain, r, races, marker } = runFixture('race-for-await-first-suspension.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(66);
    expect(shapes(races)).toEqual([
      ['lost-update', [`read@${marker('@read')}`, `other-write@${marker('@write')}`, `write@${marker('@write')}`]],
    ]);
  });

  it('norace-async-generator-own-activation: generator and consumer accesses stay apart', () => {
    const { plain, r, races } = runFixture('norace-async-generator-own-activation.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(0);
    expect(races).toEqual([]);
  });
});

// The for-await view must keep the protocol exactly: which properties are read, when, how often.
describe('for await through the view', () => {
  function traced(withReturn: boolean, log: string[]) {
    let i = 0;
    const iterator = {
      next: () => {
        log.push('next');
        return Promise.resolve({ value: i, done: i++ >= 2 });
      },
      ...(withReturn ? { return: () => (log.push('return'), Promise.resolve({ done: true })) } : {}),
    };
    const target = { [Symbol.asyncIterator]: () => (log.push('@@asyncIterator()'), iterator) };
    return new Proxy(target, { get: (t, k, r) => (log.push(`get ${String(k)}`), Reflect.get(t, k, r)) });
  }

  async function walk(wrap: (x: unknown) => unknown, withReturn: boolean, stopAt: number) {
    const log: string[] = [];
    let ticks = 0;
    let stop = false;
    const counter = (async () => {
      while (!stop) {
        ticks++;
        await null;
      }
    })();
    for await (const v of wrap(traced(withReturn, log)) as AsyncIterable<number>) {
      log.push(`value ${v}`);
      if (v === stopAt) break;
    }
    const at = ticks;
    stop = true;
    await counter;
    return { log, ticks: at };
  }

  for (const withReturn of [true, false]) {
    for (const stopAt of [1, 99]) {
      it(`same calls and same number of ticks (return ${withReturn ? 'present' : 'absent'}, ${stopAt === 1 ? 'break' : 'run out'})`, async () => {
        const plain = await walk((x) => x, withReturn, stopAt);
        const viewed = await walk(fa, withReturn, stopAt);
        expect(viewed).toEqual(plain);
      });
    }
  }

  it('leaves sync iterables, null and undefined as they are', () => {
    const arr = [1, 2];
    expect(fa(arr)).toBe(arr);
    expect(fa(null)).toBe(null);
    expect(fa(undefined)).toBe(undefined);
  });
});
