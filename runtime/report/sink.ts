// Where reports go: stderr, or `log_path.<pid>` (ThreadSanitizer's convention, so that several
// processes of one run do not interleave in one file). Writes are synchronous: a report must be
// out before halt_on_error exits, and the summary is written from the 'exit' event.
import { openSync, writeSync } from 'node:fs';

export interface Sink {
  write(text: string): void;
  /** Whether a person may be reading (colour is for them only). */
  readonly isFile: boolean;
}

export function stderrSink(): Sink {
  return { isFile: false, write: (text) => writeAll(2, text) };
}

/** The file is created on the first write: a run without races leaves nothing behind. When it
 *  cannot be written, reports go to stderr after one line saying so: a race is never lost. */
export function fileSink(logPath: string, pid: number): Sink {
  const file = `${logPath}.${pid}`;
  let fd = -1;
  return {
    isFile: true,
    write(text) {
      if (fd === -2) return writeAll(2, text);
      try {
        if (fd < 0) fd = openSync(file, 'a');
        writeAll(fd, text);
      } catch (e) {
        fd = -2;
        writeAll(2, `mapsan: cannot write to log_path file '${file}' (${(e as Error).message}); reporting to stderr\n${text}`);
      }
    },
  };
}

// Straight to the descriptor: process.stderr is asynchronous in some setups and, in a worker,
// a pipe through the main thread that may never flush once the process exits.
function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text);
  for (let attempts = 0; buffer.length > 0 && attempts < 1000; ) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      attempts++;
    }
  }
}
