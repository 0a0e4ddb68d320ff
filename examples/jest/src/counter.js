// Page views kept in a Map and saved to a (pretend) database on every view.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ViewCounter {
  constructor() {
    this.views = new Map();
  }

  async saveToDatabase(page, count) {
    await sleep(1);
  }

  // Racy: reads the count, awaits the save, then writes back the count it read plus one. Two views
  // that overlap lose one.
  async record(page) {
    const count = this.views.get(page) ?? 0;
    await this.saveToDatabase(page, count + 1);
    this.views.set(page, count + 1);
  }

  // Fixed: the count is read again after the await, in the same segment as the write.
  async recordFixed(page) {
    await this.saveToDatabase(page);
    this.views.set(page, (this.views.get(page) ?? 0) + 1);
  }

  count(page) {
    return this.views.get(page) ?? 0;
  }
}

module.exports = { ViewCounter, sleep };
