// Microbenchmark: one Map operation. Prints nanoseconds per operation (get + set pairs on 64 keys).
const m = new Map();
for (let i = 0; i < 64; i++) m.set('k' + i, i);
const keys = [...m.keys()];
const N = Number(process.argv[2] || 5_000_000);

function run(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i & 63];
    sum += m.get(k);
    m.set(k, i);
  }
  return sum;
}
run(200_000); // warm up
const t0 = process.hrtime.bigint();
run(N);
const ns = Number(process.hrtime.bigint() - t0) / (2 * N);
console.log(JSON.stringify({ nsPerOp: ns }));
