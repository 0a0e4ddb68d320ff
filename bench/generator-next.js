// Microbenchmark: a generator stepped by hand. The plugin rewrites every `x.next()`, since only at run
// time can a Map iterator's be told from any other; this is what that costs a `next()` that is not a
// Map iterator's. Prints nanoseconds per step.
function* counter() {
  let i = 0;
  while (true) yield i++;
}
const sizes = new Map([['steps', 0]]); // a Map operation, so that this file is instrumented

function run(n) {
  const steps = counter();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += steps.next().value;
  return sum;
}
run(200_000); // warm up
const N = Number(process.argv[2] || 5_000_000);
const t0 = process.hrtime.bigint();
run(N);
sizes.set('steps', N);
console.log(JSON.stringify({ nsPerOp: Number(process.hrtime.bigint() - t0) / N }));
