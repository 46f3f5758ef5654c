import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/core/qa/buildReport';
import { snapshotFixture } from '../../../src/core/qa/buildReport.fixture';
import { reportCsv } from '../../../src/core/qa/reportCsv';
import { combinedReportCsv, reportFileName } from './saveFiles';

describe('saving the QA report', () => {
  it('names the file after the project and the day, without characters file systems refuse', () => {
    const at = new Date(2024, 4, 1, 23, 30).getTime();
    expect(reportFileName('Street scenes', at, 'html')).toBe('Street-scenes-qa-report-2024-05-01.html');
    expect(reportFileName('a/b: "c"?', at, 'csv')).toBe('a-b-c-qa-report-2024-05-01.csv');
    expect(reportFileName('..', at, 'csv')).toBe('project-qa-report-2024-05-01.csv');
  });

  it('puts every table of the command line --csv files in one CSV, each under its name', () => {
    const data = buildReport(snapshotFixture());
    const files = reportCsv(data);
    const combined = combinedReportCsv(data);
    expect(
      combined.startsWith('throughput\r\nannotator,images,objects,hours,images_per_hour\r\nBea,3,6,'),
    ).toBe(true);
    for (const [name, text] of Object.entries(files))
      expect(combined).toContain(`${name.slice(0, -4)}\r\n${text}`);
    expect(combined).toContain(
      '\r\n\r\nreviews\r\nreviewed,accepted,rejected,rejection_rate\r\n4,1,5,0.8333333333333334\r\n',
    );
  });
});
