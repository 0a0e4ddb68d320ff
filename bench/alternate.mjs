// Paired measurements for the bench scripts: runs of the plain and the instrumented variant are
// taken in turn, so that the machine's load drifting during a bench weighs on both sides of a ratio
// alike (all plain runs first, then all mapsan runs, read drift as overhead).

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `n` results of each of `plain` and `inst`, called in turn: [plainResults, instResults]. */
export function alternate(n, plain, inst) {
  const p = [];
  const m = [];
  for (let i = 0; i < n; i++) {
    p.push(plain());
    m.push(inst());
  }
  return [p, m];
}
