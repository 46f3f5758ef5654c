import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../core/qa/buildReport';
import { snapshotFixture } from '../../core/qa/buildReport.fixture';
import { reportCsv } from '../../core/qa/reportCsv';
import { SNAPSHOT_FILE_NAME, snapshotToJson } from '../../core/qa/snapshot';
import { runCapturing as run } from './testCli';

/* `labelloop qa report` through runCli on the QA data the app would save: the same numbers as buildReport. */

let dir: string;
let project: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-qa-report-test-'));
  project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, SNAPSHOT_FILE_NAME), snapshotToJson(snapshotFixture()));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('labelloop qa report', () => {
  it('writes the HTML report and one CSV per table, with the numbers buildReport gives', async () => {
    const out = join(dir, 'report.html');
    const csv = join(dir, 'csv');
    const {
      code,
      out: printed,
      err,
    } = await run('qa', 'report', '--project', project, '--out', out, '--csv', csv);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(printed).toBe(
      `Street scenes — QA report, All images · 4 images: 4 images reviewed, 5 rejections (83.3% of decisions); ` +
        `Fleiss' κ 0.333, Krippendorff's α 0.222; 1 consistency finding. ` +
        `Wrote ${out} and 10 CSV files into ${csv}.\n`,
    );
    const expected = reportCsv(buildReport(snapshotFixture()));
    expect((await readdir(csv)).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected))
      expect(await readFile(join(csv, name), 'utf8')).toBe(text);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('All images · 4 images');
    expect(html).toContain('<td class="num">83.3%</td>');
    // Nothing is left beside the report but the report.
    expect((await readdir(dir)).sort()).toEqual(['csv', 'project', 'report.html']);
  });

  it('scopes to a version and compares at the given IoU, as the app does with the same choices', async () => {
    const out = join(dir, 'v1.html');
    const { code, out: printed } = await run(
      'qa',
      'report',
      '--project',
      project,
      '--out',
      out,
      '--version',
      '1',
      '--iou',
      '0.7',
      '--json',
    );
    expect(code).toBe(0);
    const expected = buildReport(snapshotFixture(), { versionNumber: 1, iouThreshold: 0.7 });
    expect(JSON.parse(printed)).toEqual({
      out,
      summary: {
        title: 'Street scenes — QA report',
        scope: 'Version 1 · 2 images',
        reviewed: 2,
        accepted: 1,
        rejected: 2,
        rejectionRate: 2 / 3,
        fleissKappa: expected.agreement!.fleissKappa,
        krippendorffAlpha: expected.agreement!.alpha,
        findings: 0,
      },
    });
    expect(await readFile(out, 'utf8')).toContain('Version 1 · 2 images');
  });

  it('says how to make the QA data when the folder has none', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const { code, err } = await run('qa', 'report', '--project', empty, '--out', join(dir, 'r.html'));
    expect(code).toBe(1);
    expect(err).toBe(
      `labelloop qa: No labelloop-qa.json in ${empty}: in LabelLoop, open Review & QA → Report and save the QA data into this folder.\n`,
    );
  });

  it('refuses a file that is not JSON, or not a QA snapshot, naming the file', async () => {
    const path = join(project, SNAPSHOT_FILE_NAME);
    await writeFile(path, '{"format": ');
    const bad = await run('qa', 'report', '--project', project, '--out', join(dir, 'r.html'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      new RegExp(`^labelloop qa: ${path.replace(/[.\\]/g, '\\$&')}: The file is not JSON: `),
    );

    await writeFile(path, JSON.stringify({ format: 'coco' }));
    const wrong = await run('qa', 'report', '--project', project, '--out', join(dir, 'r.html'));
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('The file is not a LabelLoop QA snapshot (its "format" is "coco"');
    expect(await readdir(dir)).not.toContain('r.html');
  });

  it('refuses a version the project does not have', async () => {
    const { code, err } = await run(
      'qa',
      'report',
      '--project',
      project,
      '--out',
      join(dir, 'r.html'),
      '--version',
      '9',
    );
    expect(code).toBe(1);
    expect(err).toBe('labelloop qa: There is no version 9 in Street scenes (versions: 1, 2).\n');
  });

  it('will not write the report over the QA data, and checks its flags', async () => {
    const snapshot = join(project, SNAPSHOT_FILE_NAME);
    const over = await run('qa', 'report', '--project', project, '--out', snapshot);
    expect(over.code).toBe(2);
    expect(over.err).toContain('is the QA data itself');
    expect(await readFile(snapshot, 'utf8')).toBe(snapshotToJson(snapshotFixture()));

    expect((await run('qa', 'report', '--project', project)).code).toBe(2);
    expect(
      (await run('qa', 'report', '--project', project, '--out', 'r.html', '--iou', '1.5')).err,
    ).toContain('--iou "1.5" must be above 0 and at most 1');
    expect(
      (await run('qa', 'report', '--project', project, '--out', 'r.html', '--version', 'two')).code,
    ).toBe(2);
    expect((await run('qa', 'summary')).err).toContain('unknown qa command "summary"');
    expect((await run('qa', '--help')).out).toContain('usage: labelloop qa report --project <dir>');
    expect((await run('--help')).out).toContain('qa report --project <dir> --out <report.html>');
  });
});
