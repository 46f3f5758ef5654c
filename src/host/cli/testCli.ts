/** Test support: the CLI on the real file system, with what it prints captured. */

import { readFile } from 'node:fs/promises';
import { runCli } from './main';

export async function runCapturing(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readText: (path) => readFile(path, 'utf8'),
  });
  return { code, out: out.join(''), err: err.join('') };
}
