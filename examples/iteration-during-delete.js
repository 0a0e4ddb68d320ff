// Flushing every session with one await per entry while a logout removes one of them.
const sessions = new Map([['ada', 1], ['bob', 2], ['eve', 3]]);
const flush = () => new Promise((resolve) => setTimeout(resolve, 2));

async function flushAll() {
  for (const [user] of sessions) {
    await flush(user);
  }
  console.log('flushed');
}

async function logout(user) {
  await new Promise((resolve) => setTimeout(resolve, 3));
  sessions.delete(user);
}

Promise.all([flushAll(), logout('eve')]);
