import { expect, test } from 'vitest';
import { sleep, ViewCounter } from '../lib/counter';

test('counts two page views (fixed)', async () => {
  const counter = new ViewCounter();
  await Promise.all([counter.recordFixed('/home'), sleep(10).then(() => counter.recordFixed('/home'))]);
  expect(counter.count('/home')).toBe(2);
});
