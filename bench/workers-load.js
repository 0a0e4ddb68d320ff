// Workload for bench/workers.mjs: two workers exchange MESSAGES messages of about 1 KB over a
// MessageChannel (ping-pong, so every message is its own segment with its own clock), each handler
// touching a Map. Prints the time from the first message to the last, measured inside the program
// (thread start-up, the same with and without mapsan's transform cache, is left out).
const { Worker, MessageChannel, isMainThread, workerData, parentPort } = require('node:worker_threads');

const MESSAGES = Number(process.env.BENCH_MESSAGES || 10_000);

if (isMainThread) {
  const { port1, port2 } = new MessageChannel();
  const ping = new Worker(__filename, { workerData: { role: 'ping', port: port1 }, transferList: [port1] });
  const pong = new Worker(__filename, { workerData: { role: 'pong', port: port2 }, transferList: [port2] });
  let ready = 0;
  const start = () => ++ready === 2 && ping.postMessage('go');
  ping.on('message', (msg) => {
    if (msg === 'ready') return start();
    console.log(`messages ${MESSAGES} ms ${msg.toFixed(1)}`);
  });
  pong.on('message', (msg) => msg === 'ready' && start());
} else {
  const { role, port } = workerData;
  const payload = 'x'.repeat(1000);
  const seen = new Map();
  let t0 = 0;
  port.on('message', (msg) => {
    seen.set(msg.i % 64, msg.payload.length);
    if (role === 'pong') {
      port.postMessage({ i: msg.i + 1, payload });
      if (msg.i + 1 >= MESSAGES - 1) port.close();
      return;
    }
    if (msg.i + 1 < MESSAGES) port.postMessage({ i: msg.i + 1, payload });
    else {
      parentPort.postMessage(performance.now() - t0);
      port.close();
    }
  });
  parentPort.on('message', () => {
    t0 = performance.now();
    port.postMessage({ i: 0, payload });
    parentPort.close();
  });
  parentPort.postMessage('ready');
}
