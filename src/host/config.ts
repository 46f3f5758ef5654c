/** Where host-side files live: LABELLOOP_DATA_DIR, else the platform's app-data folder (as Electron's userData). */

import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'LabelLoop';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LABELLOOP_DATA_DIR) return env.LABELLOOP_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

/**
 * Largest image (in pixels) an import accepts: 1.5 gigapixels admits 30,000 × 30,000 scans for the tiled
 * viewer while refusing decompression bombs, which declare far larger sizes in a few bytes.
 */
export const DEFAULT_MAX_INPUT_PIXELS = 1_500_000_000;

export function maxInputPixels(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.LABELLOOP_MAX_PIXELS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_INPUT_PIXELS;
}

/**
 * Whether the UI creates the sample project on first run (LABELLOOP_SAMPLE=0 turns it off, for managed
 * installs and for tests that start from an empty app).
 */
export const firstRunSample = (env: NodeJS.ProcessEnv = process.env): boolean => env.LABELLOOP_SAMPLE !== '0';
