/** The same newcomer flow in the real Electron window, where Electron's binary is installed. */

import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImageFolder } from '../fixtures/imageFolder';
import { newcomerFlow } from './flows/newcomer';

function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY;

const skipReason = !binary
  ? "Electron's binary is not installed (offline installs skip its download; `npm run electron:install` fetches it)"
  : !hasDisplay
    ? 'no display for an Electron window (run the tests under xvfb-run to include it)'
    : undefined;

test('in Electron, a project imports exactly the good images and is deleted cleanly', async () => {
  if (skipReason) console.log(`Skipping the Electron run: ${skipReason}.`);
  // Skipped only where Electron's binary or a display is missing (skipReason says which); it runs wherever
  // `npm run electron:install` has fetched the binary and a display exists (or under xvfb-run).
  test.skip(skipReason !== undefined, skipReason);
  const dataDir = await mkdtemp(join(tmpdir(), 'labelloop-electron-data-'));
  const fixture = await makeImageFolder(await mkdtemp(join(tmpdir(), 'labelloop-electron-images-')));
  const app = await electron.launch({
    executablePath: binary,
    args: ['.'],
    env: { ...process.env, LABELLOOP_DATA_DIR: dataDir },
  });
  try {
    const page = await app.firstWindow();
    // The hardened window: no Node in the page, only the contract bridge.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(
      await page.evaluate(() => Object.keys((window as { labelloop?: object }).labelloop ?? {})),
    ).toEqual(['calls', 'onJobEvent']);
    await newcomerFlow(page, fixture);
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(fixture.dir, { recursive: true, force: true });
  }
});
