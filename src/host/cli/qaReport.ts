/**
 * `labelloop qa report`: the QA report of a project from the QA data the app saved into a folder
 * (labelloop-qa.json), built by the same buildReport as the app's Report tab, as HTML and CSV files.
 */

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatNumber } from '../../core/qa/charts';
import { buildReport } from '../../core/qa/buildReport';
import type { QaReportData } from '../../core/qa/report';
import { renderReportHtml } from '../../core/qa/report';
import { reportCsv } from '../../core/qa/reportCsv';
import { readSnapshot, SNAPSHOT_FILE_NAME } from '../../core/qa/snapshot';
import { writeFileAtomic } from '../atomicWrite';
import { InputError, UsageError } from './errors';
import type { CliIo } from './main';

const QA_USAGE = `usage: labelloop qa report --project <dir> --out <report.html> [--csv <dir>] [--iou 0.5] [--version N] [--json]

Reads <dir>/${SNAPSHOT_FILE_NAME} (in LabelLoop: Review & QA → Report → "Save QA data…") and writes the
project's QA report as one standalone HTML file: throughput, reviews and rejection reasons, agreement and
gold accuracy, consistency findings, trends across versions and sampling verdicts, with the same numbers
as the app. --csv writes each table as a CSV file into that folder. --iou: the IoU at which two
annotators' objects are the same object (default 0.5). --version: only the images of that dataset version.
`;

function iouFlag(value: string | undefined): number {
  if (value === undefined) return 0.5;
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1))
    throw new UsageError(`--iou "${value}" must be above 0 and at most 1`);
  return n;
}

function versionFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !(n >= 1))
    throw new UsageError(`--version "${value}" must be a version number (1, 2, …)`);
  return n;
}

async function readProjectSnapshot(io: CliIo, dir: string) {
  const path = join(dir, SNAPSHOT_FILE_NAME);
  let text: string;
  try {
    text = await io.readText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new InputError(
        `No ${SNAPSHOT_FILE_NAME} in ${dir}: in LabelLoop, open Review & QA → Report and save the QA data into this folder.`,
      );
    throw new InputError(`cannot read ${path}: ${code ?? (error as Error).message}`);
  }
  const read = readSnapshot(text);
  if (!read.ok) throw new InputError(`${path}: ${read.message}`);
  return { path, snapshot: read.snapshot };
}

/** The headline numbers, as printed and as --json gives them. */
function summaryOf(data: QaReportData) {
  return {
    title: data.title,
    scope: data.scope,
    reviewed: data.reviews.reviewed,
    accepted: data.reviews.accepted,
    rejected: data.reviews.rejected,
    rejectionRate: Number.isFinite(data.reviews.rejectionRate) ? data.reviews.rejectionRate : null,
    fleissKappa:
      data.agreement && Number.isFinite(data.agreement.fleissKappa) ? data.agreement.fleissKappa : null,
    krippendorffAlpha: data.agreement && Number.isFinite(data.agreement.alpha) ? data.agreement.alpha : null,
    findings: data.consistency.reduce((sum, row) => sum + row.count, 0),
  };
}

function describeSummary(
  s: ReturnType<typeof summaryOf>,
  out: string,
  csv: readonly string[],
  csvDir?: string,
) {
  const plural = (n: number, word: string) => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;
  const rate = s.rejectionRate === null ? '' : ` (${formatNumber(s.rejectionRate * 100, 1)}% of decisions)`;
  const agreement =
    s.fleissKappa === null && s.krippendorffAlpha === null
      ? 'no images labeled by two annotators'
      : `Fleiss' κ ${s.fleissKappa === null ? '–' : s.fleissKappa.toFixed(3)}, Krippendorff's α ${s.krippendorffAlpha === null ? '–' : s.krippendorffAlpha.toFixed(3)}`;
  const files = csvDir === undefined ? '' : ` and ${plural(csv.length, 'CSV file')} into ${csvDir}`;
  return (
    `${s.title}, ${s.scope}: ${formatNumber(s.reviewed)} images reviewed, ${formatNumber(s.rejected)} rejections${rate}; ` +
    `${agreement}; ${plural(s.findings, 'consistency finding')}. Wrote ${out}${files}.\n`
  );
}

async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      out: { type: 'string' },
      csv: { type: 'string' },
      iou: { type: 'string' },
      version: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(QA_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.project === undefined || values.out === undefined)
    throw new UsageError('--project <dir> and --out <report.html> are required');
  const iouThreshold = iouFlag(values.iou);
  const versionNumber = versionFlag(values.version);

  const { path, snapshot } = await readProjectSnapshot(io, values.project);
  if (resolve(values.out) === resolve(path))
    throw new UsageError(`--out ${values.out} is the QA data itself; choose another file for the report`);
  let data: QaReportData;
  try {
    data = buildReport(snapshot, {
      iouThreshold,
      ...(versionNumber === undefined ? {} : { versionNumber }),
      generatedAt: Date.now(),
    });
  } catch (error) {
    // An unknown version, or QA data the app would not write (two label sets of one image by one person).
    if (error instanceof RangeError) throw new InputError(error.message);
    throw error;
  }

  const written: string[] = [];
  const write = async (target: string, text: string) => {
    try {
      await writeFileAtomic(target, text);
    } catch (error) {
      throw new InputError(`cannot write ${target}: ${(error as Error).message}`);
    }
  };
  await write(values.out, renderReportHtml(data));
  if (values.csv !== undefined)
    for (const [name, text] of Object.entries(reportCsv(data))) {
      await write(join(values.csv, name), text);
      written.push(name);
    }

  const summary = summaryOf(data);
  io.stdout(
    values.json
      ? `${JSON.stringify(
          {
            out: resolve(values.out),
            ...(values.csv === undefined ? {} : { csv: written.map((name) => resolve(values.csv!, name)) }),
            summary,
          },
          null,
          2,
        )}\n`
      : describeSummary(summary, values.out, written, values.csv),
  );
  return 0;
}

/** `labelloop qa <subcommand>`; `report` is the one there is. */
export async function qaCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(QA_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'report') throw new UsageError(`unknown qa command "${sub}"; the one there is: qa report`);
  return reportCommand(rest, io);
}
