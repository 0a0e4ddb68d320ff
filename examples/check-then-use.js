// Checked, then awaited, then used: a concurrent removal lands in between and the use finds nothing.
const carts = new Map([['c1', { items: 2 }]]);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

async function checkout(id) {
  if (carts.has(id)) {
    await tick();
    const cart = carts.get(id);
    console.log('items:', cart ? cart.items : 'gone');
  }
}

async function abandon(id) {
  await tick();
  carts.delete(id);
}

Promise.all([checkout('c1'), abandon('c1')]);
