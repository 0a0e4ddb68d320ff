// One line telling which logical operation an access ran in, and where that operation began, the
// way Go names a goroutine and where it was created.
import type { ActivationInfo } from './types.js';

// Callbacks are scheduled where they are registered; everything else starts where it is called.
const SCHEDULED = /^(timer|interval|immediate|tick|nextTick|microtask|callback)\b/;

/** `in async function bump started at src/x.ts:7:3`; `origin` is the shown position, or null. */
export function describeActivation(info: Pick<ActivationInfo, 'id' | 'kind' | 'thread'>, origin: string | null): string {
  let what = info.kind === '' ? `activation ${info.id}` : info.kind;
  if (info.thread !== 0 && !/^worker\b/.test(what)) what = `worker ${info.thread} ${what}`;
  if (origin === null) return `in ${what}`;
  return `in ${what} ${SCHEDULED.test(info.kind) ? 'scheduled' : 'started'} at ${origin}`;
}
