// The same counter, fixed: the count is read again after the await, in the segment that writes it.
const views = new Map([['/home', 0]]);
const saveToDatabase = () => new Promise((resolve) => setTimeout(resolve, 5));

async function recordView(page) {
  await saveToDatabase(page);
  views.set(page, (views.get(page) ?? 0) + 1);
}

Promise.all([recordView('/home'), recordView('/home')]).then(() => {
  console.log('views of /home:', views.get('/home'));
});
