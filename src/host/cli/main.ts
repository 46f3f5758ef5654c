/**
 * `labelloop`: the command line for ML engineers, on the same core as the app. Each command prints
 * plain text, or JSON with `--json`; exit code 0 on success, 1 on bad input (with a message naming it),
 * 2 on wrong usage.
 */

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readManifest } from '../../core/export/manifest';
import { describeManifestDiff, diffManifests } from '../../core/export/manifestDiff';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readText: (path: string) => Promise<string>;
}

const USAGE = `usage: labelloop <command> [options]

commands:
  diff <manifestA> <manifestB> [--json]   what changed between two exported dataset versions

Run \`labelloop <command> --help\` for a command's options.
`;

class UsageError extends Error {}
class InputError extends Error {}

async function readJson(io: CliIo, path: string): Promise<unknown> {
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

async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout('usage: labelloop diff <manifestA> <manifestB> [--json]\n');
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('diff needs two manifest.json paths');
  const manifests = [];
  for (const path of positionals) {
    const read = readManifest(await readJson(io, path));
    if (!read.ok)
      throw new InputError(`${path} is not a LabelLoop dataset manifest:\n  ${read.problems.join('\n  ')}`);
    manifests.push(read.manifest);
  }
  const diff = diffManifests(manifests[0]!, manifests[1]!);
  io.stdout(values.json ? `${JSON.stringify(diff, null, 2)}\n` : describeManifestDiff(diff));
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = { diff: diffCommand };

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`labelloop: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`labelloop ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`labelloop ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export const nodeIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readText: (path) => readFile(path, 'utf8'),
};
