/** Entry of the `labelloop` command (built to dist/cli/labelloop.mjs). */

import { nodeIo, runCli } from './main';

process.exitCode = await runCli(process.argv.slice(2), nodeIo);
