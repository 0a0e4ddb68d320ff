#!/usr/bin/env node
// Messages between workers: 10,000 messages of about 1 KB between two workers over a MessageChannel,
// a Map touched per receipt (bench/workers-load.js), timed inside the program from the first message
// to the last: plain node vs `node --require mapsan/register` (what the mapsan CLI runs). Two
// patterns: ping-pong (every message answers the previous one: a new segment and a new clock each)
// and stream (one loop sends them all). Medians of BENCH_RUNS runs (default 9), alternated. Ratios
// are of wall time; the CPU-time ratio (every thread of the process, same window) is printed too:
// on a shared machine it is the steadier one.
//
//   node bench/workers.mjs [--json]     exit status 0 either way; bound: 1.5 (ping-pong, wall)
//
// `--json` prints one line: {"name", "plain", "mapsan", "ratio", "cpuRatio", "streamRatio",
// "streamCpuRatio", "bound", "ok"}; times in ms, for the ping-pong pattern.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, median } from './alternate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = join(root, 'bench', 'workers-load.js');
const register = join(root, 'dist', 'src', 'register.js');
const RUNS = Number(process.env.BENCH_RUNS || 9);
const BOUND = 1.5;

function once(args, pattern) {
  const env = { ...process.env, MAPSAN_OPTIONS: '', BENCH_PATTERN: pattern };
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
  const m = /ms ([\d.]+) cpu ([\d.]+)/.exec(r.stdout);
  if (r.status !== 0 || m === null) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr.slice(-2000)}`);
  return { ms: Number(m[1]), cpu: Number(m[2]) };
}

function measure(pattern) {
  once(['--require', register, load], pattern); // fills the transform cache
  const [plain, mapsan] = alternate(RUNS, () => once([load], pattern), () => once(['--require', register, load], pattern));
  const p = median(plain.map((r) => r.ms));
  const m = median(mapsan.map((r) => r.ms));
  return { plain: p, mapsan: m, ratio: m / p, cpuRatio: median(mapsan.map((r) => r.cpu)) / median(plain.map((r) => r.cpu)) };
}

const pp = measure('pingpong');
const st = measure('stream');
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({
      name: 'workers: 10,000 messages of 1 KB',
      plain: pp.plain,
      mapsan: pp.mapsan,
      ratio: pp.ratio,
      cpuRatio: pp.cpuRatio,
      streamRatio: st.ratio,
      streamCpuRatio: st.cpuRatio,
      bound: BOUND,
      ok: pp.ratio <= BOUND,
    }),
  );
} else {
  const line = (name, r) =>
    `workers, ${name}: plain ${r.plain.toFixed(0)} ms, mapsan ${r.mapsan.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)} (CPU ${r.cpuRatio.toFixed(2)})`;
  console.log(`${line('10,000 messages of 1 KB, ping-pong', pp)}; bound ${BOUND}`);
  console.log(line('10,000 messages of 1 KB, stream', st));
}
