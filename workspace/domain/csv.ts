import type { FeedbackRecord } from '../../lib/protocol';

/**
 * What each CSV export starts with: the UTF-8 byte order mark. Without it Excel reads a CSV in the
 * system's legacy code page, and a region 'Región' or a rep 'Jürgen' opened as 'RegiÃ³n' and
 * 'JÃ¼rgen'. Google Sheets, Numbers, LibreOffice and Python's `utf-8-sig` read past it, as does
 * `Response.text()`.
 */
export const CSV_BOM = '\uFEFF';

/**
 * How a file's cells are separated, and numbers written. `comma`: RFC 4180, numbers with a point, for
 * scripts, Google Sheets and an Excel whose list separator is `,`. `semicolon`: what an Excel set up for
 * Spanish, German, French… (list separator `;`, decimal comma) opens as columns; the comma file opened
 * there put each whole line in one cell, and a rate of 0.125 read as 125 where it split.
 */
export type CsvDialect = 'comma' | 'semicolon';
export const CSV_DIALECTS = ['comma', 'semicolon'] as const satisfies readonly CsvDialect[];

const SEPARATOR: Record<CsvDialect, string> = { comma: ',', semicolon: ';' };

/** The separator between this dialect's cells. */
export const csvSeparator = (dialect: CsvDialect = 'comma') => SEPARATOR[dialect];

/**
 * A cell as text a spreadsheet shows and never runs: cells that start like a formula (= + - @, or a
 * tab or carriage return) get a leading apostrophe; quotes are doubled. So does what follows a `;`
 * inside a cell: an Excel whose list separator is `;` (Spanish, German, French systems) splits every
 * line of a comma-separated file at each `;`, quotes or not, so `ok;=cmd…` began a cell there that ran
 * as a formula. And what follows a line break inside a cell: such an Excel, its quoting undone by the
 * split, began a row there (`x\n=cmd…;`); a bullet there (a sign and a space) is no formula, and
 * stays as the rep wrote it. A number is written with the dialect's decimal mark (and quoted in
 * neither: a semicolon file's `0,125` is a number where it is opened).
 */
export function csvCell(value: string | number | null | undefined, dialect: CsvDialect = 'comma'): string {
  if (typeof value === 'number' && Number.isFinite(value))
    return dialect === 'semicolon' ? String(value).replace('.', ',') : String(value);
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  text = text.replace(/;(?=["\t ]*[=+\-@\t\r])/g, ";'");
  // A line's own start: a bullet ("- call Monday", "+ demo") or an indent is left as written.
  text = text.replace(/(\r\n|\n|\r)(?=["\t ]*(?:[=@]|[+-](?![\t ])))/g, "$1'");
  return /[",;\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS: Array<[string, (item: FeedbackRecord) => string | undefined | null]> = [
  ['id', (i) => i.id],
  ['created_at', (i) => i.createdAt],
  ['campaign_id', (i) => i.campaignId ?? 'unmatched'],
  ['verdict', (i) => i.verdict],
  ['region', (i) => i.region],
  ['rep', (i) => i.rep.name],
  ['crm', (i) => i.lead.crm],
  ['object_type', (i) => i.lead.objectType],
  ['record_id', (i) => i.lead.recordId],
  ['record_url', (i) => i.lead.url],
  // A custom site's host: its record ids are its own.
  ['site', (i) => i.lead.site],
  ['lead_source', (i) => i.signals.leadSource],
  ['source_detail', (i) => i.signals.sourceDetail],
  ['crm_campaign', (i) => i.signals.campaignName ?? i.signals.campaignId],
  ['utm_source', (i) => i.signals.utmSource],
  ['utm_medium', (i) => i.signals.utmMedium],
  ['utm_campaign', (i) => i.signals.utmCampaign],
  ['note', (i) => i.note],
  ['replies', (i) => i.replies.map((r) => `${r.author.name}: ${r.text}`).join(' | ')],
  // Last, so a spreadsheet or script reading the columns before by place reads them as it did.
  ['answers', (i) => i.answers?.map((a) => `${a.question}: ${a.answer}`).join(' | ')],
];

/** The header line, CRLF-terminated. */
export function feedbackCsvHeader(dialect: CsvDialect = 'comma'): string {
  return `${COLUMNS.map(([name]) => name).join(csvSeparator(dialect))}\r\n`;
}

/** Rows for these items, each CRLF-terminated: an export is its header, then rows a page at a time. */
export function feedbackCsvRows(items: FeedbackRecord[], dialect: CsvDialect = 'comma'): string {
  const separator = csvSeparator(dialect);
  return items
    .map((item) => `${COLUMNS.map(([, read]) => csvCell(read(item), dialect)).join(separator)}\r\n`)
    .join('');
}
