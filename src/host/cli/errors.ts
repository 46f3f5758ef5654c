/** The two ways a command fails: wrong usage (exit 2) and bad input (exit 1), each with a message naming the problem. */

import type { CliIo } from './main';

export class UsageError extends Error {}
export class InputError extends Error {}

/** A JSON file's parsed value; a missing or malformed file is bad input naming the file. */
export async function readJson(io: CliIo, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await io.readText(path);
  } catch (error) {
    throw new InputError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
