import { describe, expect, it } from 'vitest';
import { frameText } from '../../runtime/report/format-text.js';
import { captureStack, ownDirs, userFrames } from '../../runtime/report/stack.js';

const show = (p: { file: string; line: number; column: number }) => `${p.file}:${p.line}:${p.column}`;

describe('stack frames', () => {
  it("parses V8's frame forms and drops mapsan's own and Node's internal frames", () => {
    const raw = [
      'get (/pkg/dist/runtime/index.js:10:3)',
      'bump (/app/src/a.js:7:20)',
      'async Promise.all (index 0)',
      'async file:///app/src/b.mjs:3:4',
      'async node:internal/modules/esm/loader:647:26',
      'new Cache (/app/src/c.js:1:2)',
      'Module._compile (/app/node_modules/pirates/lib/index.js:1:1)',
      '/app/src/top.js:2:1',
    ].join('\n');
    expect(userFrames(raw, ['/pkg/dist/']).map((f) => frameText(f, show))).toEqual([
      'bump (/app/src/a.js:7:20)',
      'async Promise.all (index 0)',
      'async /app/src/b.mjs:3:4',
      'new Cache (/app/src/c.js:1:2)',
      '/app/src/top.js:2:1',
    ]);
  });

  it("knows the built package's dist/ and the runtime sources as mapsan's own", () => {
    expect(ownDirs('/pkg/dist/runtime/report')).toEqual(['/pkg/dist/']);
    expect(ownDirs('/pkg/runtime/report')).toEqual(['/pkg/runtime/']);
  });

  it('captures raw frames without disturbing a user prepareStackTrace or the stack limit', () => {
    const ErrorCtor = Error as ErrorConstructor & { prepareStackTrace?: unknown };
    const [runnerPrepare, runnerLimit] = [ErrorCtor.prepareStackTrace, Error.stackTraceLimit];
    const userPrepare = () => 'user formatted';
    ErrorCtor.prepareStackTrace = userPrepare;
    Error.stackTraceLimit = 3;
    try {
      const stack = (function here() {
        return captureStack();
      })();
      expect(stack?.split('\n')[0]).toMatch(/^here \(.*stack\.test\.ts:\d+:\d+\)$/);
      expect(ErrorCtor.prepareStackTrace).toBe(userPrepare);
      expect(Error.stackTraceLimit).toBe(3);
    } finally {
      ErrorCtor.prepareStackTrace = runnerPrepare;
      Error.stackTraceLimit = runnerLimit;
    }
  });
});
