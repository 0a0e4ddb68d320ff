// Built-in methods the engine must see called (Promise.all, the lazy iterator helpers) are replaced by
// a Proxy of themselves, not by a function of mapsan's: a call goes through `around`, and everything
// else stays the original's, in its own realm: name, length, `Function.prototype.toString` (which
// says "[native code]", as native-detection code expects), `instanceof Function` in a vm context, not
// being a constructor, and the property's attributes. What differs: an error thrown inside has one
// more stack frame, this module's.
type Around = (original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown;

/** Replaces `holder[name]`, an own data property holding a function. Left as it is when absent, a
 *  getter, or on a frozen holder (a hardened realm keeps its built-ins). */
export function interpose(holder: object, name: string, around: Around): void {
  const desc = Object.getOwnPropertyDescriptor(holder, name);
  if (desc === undefined || typeof desc.value !== 'function') return;
  const proxy = new Proxy(desc.value as (...args: unknown[]) => unknown, { apply: around });
  try {
    Object.defineProperty(holder, name, { ...desc, value: proxy });
  } catch {
    // frozen
  }
}
