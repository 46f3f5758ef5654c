// `npm start`: the Electron window when Electron's binary is installed (and a display exists), otherwise
// browser mode on 127.0.0.1, which prints the one URL to open.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path, and throws when it is missing
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const run = (command, args) => {
  const child = spawn(command, args, { stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
};

const binary = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (binary && !noDisplay && process.env.LABELLOOP_BROWSER !== '1') {
  run(binary, ['.']);
} else {
  const why = !binary
    ? "Electron's binary is not installed (npm run electron:install fetches it)"
    : noDisplay
      ? 'no display is available'
      : 'LABELLOOP_BROWSER=1';
  console.error(`Starting browser mode: ${why}.`);
  run(process.execPath, ['dist/host/server.mjs']);
}
