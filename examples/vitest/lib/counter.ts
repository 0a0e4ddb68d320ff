// Page views kept in a Map and saved to a (pretend) database on every view.
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ViewCounter {
  private readonly views = new Map<string, number>();

  async saveToDatabase(page: string, count?: number): Promise<void> {
    await sleep(1);
  }

  // Racy: reads the count, awaits the save, then writes back the count it read plus one. Two views
  // that overlap lose one.
  async record(page: string): Promise<void> {
    const count: number = this.views.get(page) ?? 0;
    await this.saveToDatabase(page, count + 1);
    this.views.set(page, count + 1);
  }

  // Fixed: the count is read again after the await, in the same segment as the write.
  async recordFixed(page: string): Promise<void> {
    await this.saveToDatabase(page);
    this.views.set(page, (this.views.get(page) ?? 0) + 1);
  }

  count(page: string): number {
    return this.views.get(page) ?? 0;
  }
}
