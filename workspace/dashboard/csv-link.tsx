import { useSignal } from '@preact/signals';
import { td } from '../../lib/i18n/dashboard';
import { download } from './api';
import { Problem } from './problem';

/** Saves a downloaded file under `name`, as a link with `download` would have. */
function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the file after the click's task: the URL stays a while (as FileSaver.js keeps it).
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * Whether the reader's spreadsheet most likely separates cells with `;`: Excel takes its list separator
 * from the system's region, which writes decimals with a comma wherever it does (Spain, Germany,
 * France, Brazil…), and there it opened a comma-separated file with each whole line in one cell. The
 * browser's first language stands for that region (the dashboard's own language may be another).
 */
export function semicolonReader(language: string | undefined = globalThis.navigator?.language): boolean {
  if (!language) return false;
  try {
    const decimal = new Intl.NumberFormat(language)
      .formatToParts(0.5)
      .find((part) => part.type === 'decimal');
    return decimal?.value === ',';
  } catch {
    return false; // a tag Intl does not know
  }
}

/** The export's address in the reader's dialect (workspace/domain/csv.ts). */
export function inReadersDialect(href: string, semicolon = semicolonReader()): string {
  return semicolon ? `${href}${href.includes('?') ? '&' : '?'}sep=semicolon` : href;
}

/**
 * A CSV export as a button-like link: fetched, then saved, so that a failure (a session ended, the
 * workspace restarting, an export broken off) is said beside it on the page instead of only in the
 * browser's downloads. A click with a modifier, or the context menu's "Save link as", is left to the
 * browser, as the plain link it is.
 */
export function CsvLink(props: { href: string; label: string; fallbackName: string }) {
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  const semicolon = semicolonReader();
  const href = inReadersDialect(props.href, semicolon);
  return (
    <>
      <a
        class="button button--secondary"
        href={href}
        title={semicolon ? td('csvSemicolon') : td('csvComma')}
        download
        aria-disabled={busy.value}
        onClick={(event) => {
          if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          if (busy.value) return;
          busy.value = true;
          problem.value = null;
          void download(href)
            .then((answer) => {
              if (answer.ok) saveFile(answer.data.blob, answer.data.name ?? props.fallbackName);
              else problem.value = answer.message;
            })
            .finally(() => {
              busy.value = false;
            });
        }}
      >
        {busy.value ? td('exporting') : props.label}
      </a>
      <Problem message={problem.value} inline />
    </>
  );
}
