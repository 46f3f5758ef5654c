/**
 * Saving the QA report as files the user keeps: the report's HTML and its tables as one CSV. Each is one
 * download (in Electron, one save dialog).
 */

import type { QaReportData } from '../../../src/core/qa/report';
import { reportCsv } from '../../../src/core/qa/reportCsv';
import { downloadText } from './download';

/** The user's calendar day, as yyyy-mm-dd. */
const localDay = (at: number): string => {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
};

/** "<project>-qa-report-2024-05-01.html", with characters file systems refuse turned into dashes. */
export function reportFileName(projectName: string, at: number, extension: 'html' | 'csv'): string {
  const safe =
    projectName
      .trim()
      // eslint-disable-next-line no-control-regex -- control characters are not allowed in file names
      .replace(/[\u0000-\u001f<>:"/\\|?*\s]+/g, '-')
      .replace(/^[-.]+|-+$/g, '') || 'project';
  return `${safe}-qa-report-${localDay(at)}.${extension}`;
}

/**
 * Every table of the report in one CSV file: each starts with a row holding its name (the file name
 * `labelloop qa report --csv` gives it, without .csv), then its header and rows; a blank line separates them.
 */
export function combinedReportCsv(data: QaReportData): string {
  return Object.entries(reportCsv(data))
    .map(([name, text]) => `${name.replace(/\.csv$/, '')}\r\n${text}`)
    .join('\r\n');
}

export function downloadReportHtml(projectName: string, data: QaReportData, html: string): void {
  downloadText(reportFileName(projectName, data.generatedAt, 'html'), html, 'text/html');
}

export function downloadReportCsv(projectName: string, data: QaReportData): void {
  downloadText(reportFileName(projectName, data.generatedAt, 'csv'), combinedReportCsv(data), 'text/csv');
}
