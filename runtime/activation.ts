// The plugin's calls around async functions: which activation their code belongs to.
import { Activation, current, setToken, Token } from './context.js';
import { aw, handOff } from './hooks.js';

const NO_ARGUMENTS: readonly unknown[] = Object.freeze([]);

/** First statement of every async function body; `site` names the function. */
export function enter(site: number): Token {
  const caller = current.ctx.tok;
  const act = current.direct ? caller.act : new Activation('async function', site, caller.act.owner);
  current.direct = false;
  const tok = new Token(act, caller);
  setToken(tok);
  return tok;
}

/** In the body's `finally`: a completion without any await hands the segment back to the caller. */
export function leave(tok: Token): void {
  if (!tok.sync) return;
  tok.sync = false;
  if (current.ctx.tok === tok) setToken(tok.prev!);
}

/** Appended as `...dm()` to a call that is awaited directly: it joins the caller's activation. */
export function dm(): readonly unknown[] {
  current.direct = true;
  return NO_ARGUMENTS;
}

/** `return x` in an async function. */
export function ret(x: unknown): unknown {
  current.direct = false;
  handOff(x);
  return x;
}

export { aw };
