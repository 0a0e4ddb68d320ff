// The options the engine reads on its hot path, copied out of the parsed MAPSAN_OPTIONS once.
export const config = {
  strict: false,
  historySize: 8,
  fullStacks: false,
  enabled: true,
};
