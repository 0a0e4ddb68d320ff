// A page-view counter kept in a Map. Each request reads the count, awaits a database write, then
// stores the count it read plus one. Two overlapping requests lose one view.
const views = new Map([['/home', 0]]);
const saveToDatabase = () => new Promise((resolve) => setTimeout(resolve, 5));

async function recordView(page) {
  const count = views.get(page) ?? 0;
  await saveToDatabase(page, count + 1);
  views.set(page, count + 1);
}

Promise.all([recordView('/home'), recordView('/home')]).then(() => {
  console.log('views of /home:', views.get('/home'));
});
