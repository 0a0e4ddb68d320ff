// 1M activations in batches: heap after each 100k must stay flat (run with --expose-gc).
const cache = new Map();
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function request(i) {
  const key = 'user' + (i % 1000);
  const seen = cache.get(key) ?? 0;
  await tick();
  cache.set(key, (cache.get(key) ?? seen) + 1);
}

async function main() {
  const TOTAL = Number(process.argv[2] || 1_000_000);
  const BATCH = 1000;
  const samples = [];
  for (let done = 0; done < TOTAL; done += BATCH) {
    await Promise.all(Array.from({ length: BATCH }, (_, j) => request(done + j)));
    if ((done + BATCH) % 100_000 === 0) {
      globalThis.gc?.();
      samples.push(Math.round(process.memoryUsage().heapUsed / 1e6));
    }
  }
  console.log(JSON.stringify({ heapMB: samples }));
}
main();
