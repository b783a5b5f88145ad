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
 * A CSV export as a button-like link: fetched, then saved, so that a failure (a session ended, the
 * workspace restarting, an export broken off) is said beside it on the page instead of only in the
 * browser's downloads. A click with a modifier, or the context menu's "Save link as", is left to the
 * browser, as the plain link it is.
 */
export function CsvLink(props: { href: string; label: string; fallbackName: string }) {
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  return (
    <>
      <a
        class="button button--secondary"
        href={props.href}
        download
        aria-disabled={busy.value}
        onClick={(event) => {
          if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          if (busy.value) return;
          busy.value = true;
          problem.value = null;
          void download(props.href)
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
