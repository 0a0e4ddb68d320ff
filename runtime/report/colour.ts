// Colour only for a person at a terminal. The decision mirrors Node's own (util.styleText's
// shouldColorize): FORCE_COLOR wins, then NO_COLOR and dumb terminals, then "is it a TTY".
import * as util from 'node:util';

export type Colour = 'bold' | 'red' | 'green' | 'cyan' | 'dim';
export type Paint = (colour: Colour, text: string) => string;

/** What the environment alone decides (null: it leaves it to "is it a TTY"). */
export function colourFromEnv(env: NodeJS.ProcessEnv): boolean | null {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if ((env.NO_COLOR ?? '') !== '' || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  return null;
}

const ANSI: Record<Colour, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], cyan: [36, 39] };

type StyleText = (format: string, text: string, options?: { validateStream?: boolean }) => string;
const styleText = (util as unknown as { styleText?: StyleText }).styleText;

export const plain: Paint = (_colour, text) => text;

// The decision is already made above; styleText must not re-check process.stdout (Node 22+ does
// by default, and reports go to stderr).
export const colourful: Paint =
  typeof styleText === 'function'
    ? (colour, text) => styleText(colour, text, { validateStream: false })
    : (colour, text) => `\u001b[${ANSI[colour][0]}m${text}\u001b[${ANSI[colour][1]}m`;
