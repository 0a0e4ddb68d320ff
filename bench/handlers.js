// Thousands of concurrent request handlers, each awaiting I/O between Map accesses and doing the
// little work a handler does between awaits: parse a body, look a session up, build a response.
const sessions = new Map();
const stats = new Map([['requests', 0]]);
const io = () => new Promise((resolve) => setImmediate(resolve));
const db = (row) => Promise.resolve({ ...row, loadedAt: row.id * 7 });

async function handle(id, round) {
  const body = JSON.parse(`{"user":"u${id % 500}","round":${round},"items":[1,2,3]}`);
  const session = sessions.get(body.user) ?? { user: body.user, views: 0, items: [] };
  const row = await db({ id, user: body.user });
  await io();
  const fresh = sessions.get(body.user) ?? session;
  sessions.set(body.user, { ...fresh, views: fresh.views + 1, items: fresh.items.concat(body.items).slice(-10) });
  stats.set('requests', stats.get('requests') + 1);
  return JSON.stringify({ ok: true, user: body.user, views: fresh.views + 1, at: row.loadedAt });
}

async function client(id, rounds) {
  let bytes = 0;
  for (let r = 0; r < rounds; r++) bytes += (await handle(id, r)).length;
  return bytes;
}

const N = Number(process.argv[2] || 2000);
const ROUNDS = Number(process.argv[3] || 50);
Promise.all(Array.from({ length: N }, (_, i) => client(i, ROUNDS))).then((b) => {
  console.log('requests', stats.get('requests'), 'bytes', b.reduce((x, y) => x + y, 0));
});
