// Workload for bench/workers.mjs: two workers exchange MESSAGES messages of about 1 KB over a
// MessageChannel, each receipt touching a Map. BENCH_PATTERN=pingpong (default): each message is
// the answer to the previous one, so every message is sent from a segment of its own and carries a
// new clock. BENCH_PATTERN=stream: one worker sends them all from one loop, the other receives them.
// Prints the wall time from the first message to the last and the process's CPU time over the same
// window (every thread), measured inside the program: thread start-up is left out.
const { Worker, MessageChannel, isMainThread, workerData, parentPort } = require('node:worker_threads');

const MESSAGES = Number(process.env.BENCH_MESSAGES || 10_000);
const STREAM = process.env.BENCH_PATTERN === 'stream';

if (isMainThread) {
  const { port1, port2 } = new MessageChannel();
  const ping = new Worker(__filename, { workerData: { role: 'ping', port: port1 }, transferList: [port1] });
  const pong = new Worker(__filename, { workerData: { role: 'pong', port: port2 }, transferList: [port2] });
  let ready = 0;
  // Threads finish starting up (module loaders, source maps) after their first message: let them
  // settle, so that the timed window holds messaging only.
  const start = () => ++ready === 2 && setTimeout(() => ping.postMessage('go'), 300);
  ping.on('message', (msg) => {
    if (msg === 'ready') return start();
    console.log(`messages ${MESSAGES} ms ${msg.ms.toFixed(1)} cpu ${msg.cpu.toFixed(1)}`);
  });
  pong.on('message', (msg) => msg === 'ready' && start());
} else {
  const { role, port } = workerData;
  const payload = 'x'.repeat(1000);
  const seen = new Map();
  let t0 = 0;
  let c0 = process.cpuUsage();
  const finish = () => {
    // process.cpuUsage covers every thread: both workers, and the idle main thread.
    const c = process.cpuUsage(c0);
    parentPort.postMessage({ ms: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
    port.close();
  };
  port.on('message', (msg) => {
    if (msg === 'done') return finish();
    seen.set(msg.i % 64, msg.payload.length);
    if (STREAM) {
      if (msg.i === MESSAGES - 1) port.postMessage('done');
      return;
    }
    if (role === 'pong') {
      port.postMessage({ i: msg.i + 1, payload });
      if (msg.i + 1 >= MESSAGES - 1) port.close();
      return;
    }
    if (msg.i + 1 < MESSAGES) port.postMessage({ i: msg.i + 1, payload });
    else finish();
  });
  if (role === 'ping') {
    parentPort.once('message', () => {
      t0 = performance.now();
      c0 = process.cpuUsage();
      if (STREAM) for (let i = 0; i < MESSAGES; i++) port.postMessage({ i, payload });
      else port.postMessage({ i: 0, payload });
    });
  }
  parentPort.postMessage('ready');
}
