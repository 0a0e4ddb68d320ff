// MAPSAN_OPTIONS: space-separated key=value pairs, as GORACE. A later key overrides an earlier one,
// which is how CLI flags (appended by the CLI) override the variable.

export interface Options {
  exitcode: number;
  halt_on_error: boolean;
  log_path: string;
  strip_path_prefix: string;
  strict: boolean;
  json: string;
  history_size: number;
  stacks: 'site' | 'full';
  suppressions: string;
}

export const DEFAULT_OPTIONS: Readonly<Options> = Object.freeze({
  exitcode: 66,
  halt_on_error: false,
  log_path: '',
  strip_path_prefix: '',
  strict: false,
  json: '',
  history_size: 8,
  stacks: 'site',
  suppressions: '',
});

export class OptionsError extends Error {}

type Parser = (value: string, key: string) => unknown;

const int = (min: number, max: number): Parser => (value, key) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new OptionsError(`mapsan: MAPSAN_OPTIONS: ${key} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
};
const bool: Parser = (value, key) => {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new OptionsError(`mapsan: MAPSAN_OPTIONS: ${key} must be 0 or 1, got '${value}'`);
};
const text: Parser = (value) => value;
const oneOf = (...allowed: string[]): Parser => (value, key) => {
  if (!allowed.includes(value)) {
    throw new OptionsError(`mapsan: MAPSAN_OPTIONS: ${key} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value;
};

const PARSERS: { [K in keyof Options]: Parser } = {
  exitcode: int(0, 255),
  halt_on_error: bool,
  log_path: text,
  strip_path_prefix: text,
  strict: bool,
  json: text,
  history_size: int(1, 64),
  stacks: oneOf('site', 'full'),
  suppressions: text,
};

export function parseOptions(source: string | undefined): Options {
  const options: Options = { ...DEFAULT_OPTIONS };
  for (const pair of (source ?? '').split(/\s+/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (!Object.prototype.hasOwnProperty.call(PARSERS, key)) {
      throw new OptionsError(`mapsan: MAPSAN_OPTIONS: unknown option '${key}' (known: ${Object.keys(PARSERS).join(', ')})`);
    }
    if (eq < 0) throw new OptionsError(`mapsan: MAPSAN_OPTIONS: '${key}' needs a value (${key}=...)`);
    const k = key as keyof Options;
    (options as unknown as Record<string, unknown>)[k] = PARSERS[k](pair.slice(eq + 1), k);
  }
  return options;
}
