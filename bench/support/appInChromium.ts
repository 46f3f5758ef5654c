/** For benchmarks that drive the real UI: the app in browser mode, Chromium, a fresh project, and result lines. */

import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startBrowserMode } from '../../tests/e2e/support/browserMode';

/** One JSON line per metric, the format every benchmark prints. */
export const printMetric = (metric: string, value: number, unit: string, baseline: number): void =>
  console.log(
    JSON.stringify({
      metric,
      value: Number(value.toFixed(2)),
      unit,
      baseline,
      ratio: Number((value / baseline).toFixed(3)),
    }),
  );

export interface BenchProject {
  readonly page: Page;
  readonly projectId: string;
  close(): Promise<void>;
}

/** Starts browser mode on a fresh data dir, opens Chromium and creates a project named `name`. */
export async function openNewProject(name: string): Promise<BenchProject> {
  const app = await startBrowserMode();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    await app.stop();
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // tsx keeps function names with a __name helper that functions evaluated in the page would not find.
    await page.addInitScript('window.__name = (fn) => fn;');
    await page.goto(app.url);
    await page.getByLabel('New project name').fill(name);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.locator('[data-page="project"]').waitFor();
    const projectId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    return { page, projectId, close };
  } catch (error) {
    await close();
    throw error;
  }
}
