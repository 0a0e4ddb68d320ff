// Where the thread is now: the segment running and the activation its code belongs to.
//
// An activation is the logical operation that owns an access (race-model.md). A token is one entry
// of an async function into it: the first part of an async function runs inside its caller's
// segment, so entering pushes a token and the first suspension (or a synchronous completion) pops
// back to the caller's. Continuations find their token again on the promise that resumes them.
import { threadId } from 'node:worker_threads';
import { EMPTY_CLOCK } from './clock.js';
import type { ActivationInfo, RaceOwner } from './report/types.js';
import { Context, Segment } from './segment.js';

let nextActivationId = 1;

export class Activation implements ActivationInfo {
  readonly id = nextActivationId++;
  readonly thread = threadId;
  constructor(
    readonly kind: string,
    readonly originSite: number,
    /** The test an activation belongs to (test runners only): by default the owner of the
     *  activation running now, so a test's whole activation tree is its own. */
    readonly owner: RaceOwner | null = currentOwner(),
  ) {}
}

function currentOwner(): RaceOwner | null {
  return current.ctx.tok.act.owner;
}

export class Token {
  /** True while the async function runs its first part inside the caller's segment. */
  sync = true;
  constructor(
    readonly act: Activation,
    /** The token to hand the segment back to (an async generator's changes at every resumption). */
    public prev: Token | null,
  ) {}
}

export function rootToken(kind: string, originSite = -1, owner: RaceOwner | null = null): Token {
  const t = new Token(new Activation(kind, originSite, owner), null);
  t.sync = false;
  return t;
}

export const current = {
  ctx: new Segment(EMPTY_CLOCK, rootToken(threadId === 0 ? 'main module' : 'worker main module')) as Context,
  /** Bumped whenever `ctx` changes (`switchContext`): a shadow key notes the serial its fast paths are
   *  good for (rules.ts), a number rather than a pointer to a young context, which would cost a write
   *  barrier and keep the context alive. */
  serial: 0,
  /** Set by `dm()`: the next async function entered belongs to its caller's activation. */
  direct: false,
};

export function switchContext(ctx: Context): void {
  current.ctx = ctx;
  current.serial++;
}

export function setToken(tok: Token): void {
  if (current.ctx.tok !== tok) switchContext(new Context(current.ctx.seg, tok));
}
