// Thousands of concurrent async functions awaiting between Map accesses, each on its own key, plus a
// shared counter updated atomically (read-modify-write in one segment): no race, lots of awaits.
const state = new Map();
const counters = new Map([['total', 0]]);
const tick = () => new Promise((resolve) => setImmediate(resolve));
const step = (x) => Promise.resolve(x);

async function worker(id, rounds) {
  const key = 'w' + id;
  state.set(key, 0);
  for (let i = 0; i < rounds; i++) {
    const v = state.get(key);
    await step(v);
    state.set(key, (state.get(key) ?? 0) + 1);
    counters.set('total', counters.get('total') + 1);
    if (i % 10 === 0) await tick();
  }
}

// BATCHES > 1: one batch after another, each awaiting Promise.all of N fresh workers (a batch job, a
// test suite): every batch starts from the join of all the workers before it.
const N = Number(process.argv[2] || 2000);
const ROUNDS = Number(process.argv[3] || 100);
const BATCHES = Number(process.argv[4] || 1);
(async () => {
  for (let b = 0; b < BATCHES; b++) await Promise.all(Array.from({ length: N }, (_, i) => worker(i, ROUNDS)));
  console.log('total', counters.get('total'));
})();
