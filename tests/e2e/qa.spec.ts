/**
 * Review and QA end to end: a QA lead hands out overlapping work to two annotators as task bundles, both
 * label in their own task projects and send their labels back, the lead sees how well they agree, rejects
 * an image with a reason and a comment, the annotator fixes it, the lead accepts it, and the audit log
 * shows every step (and exports as CSV). Then the QA report is built.
 */

import { expect, test, type Page } from '@playwright/test';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { EditorScreen } from './pages/editor';
import { People, QaScreen } from './pages/qa';
import { ProjectScreen, ProjectsScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedSchema } from './support/seed';

let app: RunningApp;
let dir: string;
let bundles: string;
const FILES = [
  'street-1.jpg',
  'street-2.jpg',
  'street-3.jpg',
  'street-4.jpg',
  'street-5.jpg',
  'street-6.jpg',
];

/** Boxes only, no required attributes: the flow is about review, not drawing. */
const QA_SCHEMA = {
  format: 'labelloop.annotation-schema/1',
  name: 'Street',
  classes: [
    { id: 'car', name: 'Car', color: '#ff4d4d', hotkey: '1', geometries: ['box'], attributes: [] },
    { id: 'person', name: 'Person', color: '#4dabff', hotkey: '2', geometries: ['box'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-qa-'));
  bundles = await mkdtemp(join(tmpdir(), 'labelloop-e2e-qa-bundles-'));
  await mkdir(dir, { recursive: true });
  for (const [i, name] of FILES.entries())
    await writeFile(join(dir, name), await (await picture(480, 320, i + 1)).jpeg({ quality: 85 }).toBuffer());
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(bundles, { recursive: true, force: true });
});

/**
 * In a task project: every image gets one box (class key `classKey`, shifted by `shift` px), is submitted
 * with Ctrl+Enter and the next image opens with D; then the labels go back to the lead as a bundle.
 */
async function labelTask(page: Page, shift: number, classKeys: (i: number) => string, returned: string) {
  const project = page.locator('[data-page="project"]');
  await expect(project).toBeVisible();
  const gallery = new ProjectScreen(page).gallery;
  await expect(gallery.locator('[data-file]').first()).toBeVisible();
  const count = Number(await gallery.getAttribute('data-count'));
  expect(count).toBeGreaterThan(0);
  await gallery.locator('[data-file]').first().dblclick();
  const editor = new EditorScreen(page);
  for (let i = 0; i < count; i++) {
    await editor.expectDrawn();
    await page.keyboard.press(classKeys(i));
    await page.keyboard.press('b');
    await editor.drag({ x: 40 + shift, y: 40 + shift }, { x: 200 + shift, y: 160 + shift });
    await editor.expectCount(1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    await expect(editor.status).toHaveText('submitted');
    await editor.expectSaved();
    if (i < count - 1) await page.keyboard.press('d');
  }
  await page.keyboard.press('Shift+Escape');
  const qa = await QaScreen.open(page);
  await qa.tab('Assignments');
  await expect(page.getByTestId('task-panel')).toContainText(`${count} images, ${count} submitted`);
  await qa.download(page.getByTestId('task-export'), returned);
  return count;
}

test('a QA lead hands out overlapping work, measures agreement, sends an image back, and the audit log shows each step', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(app.url);
  const people = new People(page);
  // The first start made a profile from the system's user name; the team is added from the header.
  await expect(people.chip).toHaveAttribute('data-role', 'qa-lead');
  await people.add('Ana', 'Annotator');
  await people.add('Ben', 'Annotator');
  await people.add('Lena', 'QA lead');
  await people.chip.click();
  const dialog = page.getByRole('dialog', { name: 'Who is working?' });
  await expect(dialog.getByTestId('choose-user')).toHaveCount(4);
  await screenshot(page, '81-qa-people');
  await dialog.getByRole('button', { name: 'Close' }).click();

  const project = await new ProjectsScreen(page).create('QA streets');
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  await seedSchema(page, projectId, QA_SCHEMA);
  await page.reload();
  await project.expectImageCount(FILES.length);
  // Several people share this machine: the start asks whether Lena is still the one working.
  await expect(page.getByTestId('confirm-user')).toContainText('Is this you?');
  await page.getByTestId('confirm-user').getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByTestId('confirm-user')).toHaveCount(0);

  // Hand out the six images: half of them to both annotators, for agreement.
  let qa = await QaScreen.open(page);
  await qa.tab('Assignments');
  await page.getByRole('checkbox', { name: /Ana/ }).check();
  await page.getByRole('checkbox', { name: /Ben/ }).check();
  await page.getByLabel(/Overlap %/).fill('50');
  await page.getByTestId('create-assignments').click();
  await expect(qa.assignment('Ana')).toBeVisible();
  await expect(qa.assignment('Ben')).toBeVisible();
  await screenshot(page, '72-qa-assignments');
  const anaBundle = join(bundles, 'ana.json');
  const benBundle = join(bundles, 'ben.json');
  expect(await qa.download(qa.assignment('Ana').getByTestId('export-bundle'), anaBundle)).toMatch(
    /^qa-streets-ana-\d{4}-\d{2}-\d{2}\.labelloop-task\.json$/,
  );
  await qa.download(qa.assignment('Ben').getByTestId('export-bundle'), benBundle);
  const sent = JSON.parse(await readFile(anaBundle, 'utf8')) as {
    assignee: { name: string };
    images: unknown[];
  };
  expect(sent.assignee.name).toBe('Ana');

  // Ana, on "her machine": imports the task, labels every image, sends it back.
  await page.getByRole('button', { name: 'Projects' }).first().click();
  await qa.upload(page.getByTestId('import-task-bundle'), anaBundle);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('QA streets — task for Ana');
  await expect(people.chip).toHaveAttribute('data-user', 'Ana');
  const anaReturned = join(bundles, 'ana-returned.json');
  const anaCount = await labelTask(page, 0, () => '1', anaReturned);
  expect(anaCount).toBe(sent.images.length);

  // Ben does the same, a few pixels off, and calls his first image's object a person.
  await page.getByRole('button', { name: 'Projects' }).first().click();
  await qa.upload(page.getByTestId('import-task-bundle'), benBundle);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('QA streets — task for Ben');
  const benReturned = join(bundles, 'ben-returned.json');
  await labelTask(page, 6, (i) => (i === 0 ? '2' : '1'), benReturned);

  // Lena merges both returns.
  await people.switchTo('Lena');
  await page.getByRole('button', { name: 'Projects' }).first().click();
  await new ProjectsScreen(page).open('QA streets');
  qa = await QaScreen.open(page);
  await qa.tab('Assignments');
  await qa.upload(qa.assignment('Ana').getByTestId('import-returned'), anaReturned);
  await expect(page.getByTestId('assignments-message')).toContainText('from Ana');
  await qa.upload(qa.assignment('Ben').getByTestId('import-returned'), benReturned);
  await expect(page.getByTestId('assignments-message')).toContainText('from Ben');
  await screenshot(page, '73-qa-bundles-merged');

  // Agreement between Ana and Ben on the three shared images.
  await qa.tab('Agreement');
  await expect(page.getByTestId('agreement-pair-row')).toHaveCount(1);
  await expect(page.getByTestId('agreement-images')).toHaveAttribute('data-value', '3');
  await screenshot(page, '74-qa-agreement');

  // One label set for the shared images: majority class, averaged boxes. Where Ben's person meets Ana's
  // car (when his first image is a shared one: assignments are seeded by image ids) it is a tie for review.
  await page.getByTestId('consensus-button').click();
  const consensus = page.getByRole('dialog', { name: 'Build consensus labels' });
  await expect(consensus.getByTestId('consensus-replacing')).toHaveAttribute('data-value', '0');
  await consensus.getByRole('button', { name: 'Build for 3 images' }).click();
  await expect(page.getByTestId('consensus-outcome')).toHaveText(
    /^Consensus labels written for 3 images \(3 objects, 0 left out .*\)\. (No ties|1 image with ties is in the review queue)\.$/,
  );

  // Review Ana's work in order: reject the first with a reason and a comment, accept the next.
  await qa.tab('Review queue');
  await page.getByLabel('Annotator').selectOption({ label: 'Ana' });
  await expect(qa.queueRows.first()).toBeVisible();
  await page.getByTestId('review-in-order').click();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  const rejected = (await page.locator('[data-page="viewer"] h1').textContent())!;
  // A comment pinned to a point of the image: the next click on the canvas gives the point.
  await page.getByTestId('pin-comment').click();
  await expect(editor.canvas).toHaveAttribute('data-pinning', 'true');
  await editor.click({ x: 300, y: 200 });
  await expect(page.getByTestId('pin-comment')).toHaveText('At (300, 200) ✕');
  await page.getByLabel('New comment').fill('The plate is hidden here: mark it occluded.');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(page.getByTestId('comment')).toHaveCount(1);
  await expect(page.getByTestId('open-comments')).toHaveAttribute('data-count', '1');
  await expect(editor.canvas).not.toHaveAttribute('data-pinning', 'true');
  await page.keyboard.press('Alt+r');
  const form = page.getByRole('form', { name: 'Reject the image' });
  await form.getByLabel('Rejection reason').selectOption({ label: '2. Wrong class' });
  await form.getByLabel('Rejection comment').fill('This is a van: draw it tighter.');
  await screenshot(page, '75-qa-reject-form');
  await form.getByLabel('Rejection comment').press('Enter');
  await expect(page.locator('[data-page="viewer"] h1')).not.toHaveText(rejected);
  await editor.expectDrawn();
  await page.keyboard.press('Alt+a');

  // Ana, at the shared workstation, finds the rejection with its comment first in her work.
  await people.switchTo('Ana');
  await page.getByTestId('focus-back').click();
  await page.getByRole('button', { name: 'My work' }).click();
  await expect(qa.queueRows.first()).toHaveAttribute('data-image', rejected);
  await expect(qa.queueRows.first()).toContainText('This is a van');
  await screenshot(page, '76-qa-my-work');
  await page.getByTestId('review-in-order').click();
  await editor.expectDrawn();
  await expect(page.getByTestId('review-note')).toContainText('Rejected by Lena: Wrong class');
  await expect(page.getByTestId('comment')).toContainText('The plate is hidden here');
  await page.getByLabel('Reply').fill('Done, thanks');
  await page.getByLabel('Reply').press('Enter');
  await expect(page.getByTestId('comment')).toContainText('Ana: Done, thanks');
  await editor.canvas.focus();
  await page.keyboard.press('v');
  await editor.click({ x: 100, y: 100 });
  await page.keyboard.press('Shift+ArrowRight');
  await expect(editor.status).toHaveText('in progress');
  await page.keyboard.press('Control+Enter');
  await expect(editor.status).toHaveText('submitted');
  await editor.expectSaved();

  // Lena accepts the fix.
  await people.switchTo('Lena');
  await page.getByTestId('focus-back').click();
  await page.getByRole('button', { name: 'To review' }).click();
  await qa.queueRows.filter({ hasText: rejected }).getByRole('button', { name: rejected }).click();
  await editor.expectDrawn();
  await page.keyboard.press('Alt+a');
  await page.getByTestId('focus-back').click();

  // The audit log tells the image's story, newest first, and exports it.
  await qa.tab('Audit log');
  await page.getByTestId('audit-filter-image').fill(rejected);
  const log = page.getByTestId('audit-row');
  await expect(log.first()).toBeVisible();
  const text = (await log.allTextContents()).join('\n');
  for (const step of ['Lena', 'Ana', 'Rejected', 'Accepted', 'submitted', 'Commented', 'Replied'])
    expect(text).toContain(step);
  await screenshot(page, '77-qa-audit-log');
  const csvPath = join(bundles, 'audit.csv');
  await qa.download(page.getByTestId('audit-export-csv'), csvPath);
  const csv = await readFile(csvPath, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('time,user,action,origin,image,annotation,summary,before,after');
  expect(csv).toContain('Lena');
  expect(csv).toContain('review.decision');

  // Consistency checks over the project, by check.
  await qa.tab('Consistency');
  await expect(page.getByTestId('consistency-check').first()).toBeVisible();
  await screenshot(page, '79-qa-consistency');

  // Acceptance sampling of the whole lot: ISO 2859-1 says how many to inspect; none is defective.
  await qa.tab('Acceptance sampling');
  await page.getByTestId('sampling-lot').selectOption('all');
  await expect(page.getByTestId('sampling-plan')).toContainText('Lot 6');
  await page.getByTestId('sampling-draw').click();
  const sampled = page.getByTestId('sampling-sample-row');
  await expect(sampled.first()).toBeVisible();
  const n = await sampled.count();
  for (let i = 0; i < n; i++) await sampled.nth(i).getByTestId('sampling-no-defect').click();
  await expect(page.getByTestId('sampling-verdict')).toHaveAttribute('data-verdict', 'accept');
  await page.getByTestId('sampling-record-verdict').click();
  await expect(page.getByTestId('sampling-verdict')).toHaveAttribute('data-verdict', 'accepted');
  await expect(page.getByTestId('sampling-verdict')).toContainText('ISO 2859-1');
  await screenshot(page, '80-qa-sampling');

  // The QA report, as it will be exported.
  await qa.tab('Report');
  await page.getByTestId('qa-report-build').click();
  await expect(page.frameLocator('[data-testid="qa-report-frame"]').locator('h1')).toBeVisible();
  await screenshot(page, '78-qa-report');
});
