// MAPSAN_DEBUG=topic[,topic]: one line on stderr per event of a topic (cache, esm).
import { writeSync } from 'node:fs';

export function debugLine(topic: string, line: string): void {
  if (!process.env.MAPSAN_DEBUG?.split(',').includes(topic)) return;
  // writeSync: works the same from the main thread, workers and Node's loader-hooks thread.
  try { writeSync(2, `mapsan: ${line}\n`); } catch { /* stderr closed */ }
}
