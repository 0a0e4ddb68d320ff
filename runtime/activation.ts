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

/**
 * `yield v` in an async generator, as `gr(t, yield aw(v))`: the consumer's `next()` resumes the
 * body inside the consumer's segment, so the generator's activation is entered again, as a call
 * is, and handed back at the next suspension.
 */
export function gr(tok: Token, value: unknown): unknown {
  tok.prev = current.ctx.tok;
  tok.sync = true;
  setToken(tok);
  return value;
}

/**
 * `for await (x of v)` as `for await (x of fa(v))`: each step's implicit await is a suspension point,
 * so the view passes every `next()` (and `return()`) result through `aw`. Sync iterables, which
 * `for await` adapts itself, are left as they are.
 */
export function fa(iterable: unknown): unknown {
  if (iterable === null || iterable === undefined) return iterable;
  const method = (iterable as Record<symbol, unknown>)[Symbol.asyncIterator];
  if (method === undefined || method === null) return iterable;
  return new ForAwaitView(iterable, method);
}

class ForAwaitView {
  constructor(
    private readonly iterable: unknown,
    private readonly method: unknown,
  ) {}
  [Symbol.asyncIterator](): ForAwaitSteps {
    const it: unknown = Reflect.apply(this.method as () => unknown, this.iterable, []);
    if (it === null || (typeof it !== 'object' && typeof it !== 'function')) {
      throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
    }
    return new ForAwaitSteps(it as AsyncIterator<unknown>);
  }
}

class ForAwaitSteps {
  private readonly nextMethod: unknown;
  constructor(private readonly it: AsyncIterator<unknown>) {
    this.nextMethod = it.next; // read once, as for-await does
  }
  next(): unknown {
    return aw(Reflect.apply(this.nextMethod as () => unknown, this.it, []));
  }
  // A getter, so that an iterator without `return` still has none: for-await then closes it
  // without an extra await.
  get return(): (() => unknown) | undefined {
    const close = this.it.return;
    if (close === undefined || close === null) return undefined;
    const it = this.it;
    return () => aw(Reflect.apply(close, it, []));
  }
}

