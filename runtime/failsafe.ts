// The runtime never throws into the program: the first internal error switches detection off for
// this thread, says so once on stderr, and the program runs on unchanged.
import { writeSync } from 'node:fs';
import { config } from './config.js';

export function internalError(error: unknown): void {
  if (!config.enabled) return;
  config.enabled = false;
  const message = error instanceof Error ? error.stack ?? error.message : String(error);
  try {
    writeSync(2, `mapsan: internal error, race detection is off for this process: ${message.split('\n').slice(0, 3).join(' | ')}\n`);
  } catch {
    // stderr closed: nothing more to do
  }
}
