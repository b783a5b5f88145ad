import { type Signal, useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t, verdictLabel, verdictShortLabel } from '../lib/i18n';
import type { HistoryEntry, VerdictSetup } from '../lib/messages';
import type { Answer, Verdict } from '../lib/protocol';
import { VERDICTS } from '../lib/protocol/constants';
import { noteTooLong, withUndone } from '../lib/store/draft-text';
import { AnswerFields, type Answers, NoteField, RegionSelect } from './VerdictFields';

/** Where the last click stands, as the panel tells the rep. */
export type SendState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; id: string }
  | { kind: 'undone'; verdict: Verdict; note: string; region: string; answers?: Answer[] }
  | { kind: 'error'; message: string };

/**
 * Where a click on Undo leaves the panel: the verdict taken back, its note, region and answers given
 * back to edit; or, too late (sync had taken it as its window ended), said so, as the popup says it,
 * rather than leaving the rep to believe it was taken back. Null: nothing to say (the verdict is no
 * longer in the panel's history).
 */
export function afterUndo(entry: HistoryEntry | undefined, undone: boolean): SendState | null {
  if (!entry) return null;
  if (!undone) return { kind: 'error', message: t('quickUndoLate', verdictLabel(entry.verdict)) };
  return {
    kind: 'undone',
    verdict: entry.verdict,
    note: entry.note ?? '',
    region: entry.region ?? '',
    answers: entry.answers ?? [],
  };
}

export interface VerdictFormProps {
  setup: VerdictSetup;
  /** The saved item, to follow it from "Saved" to "Sent". */
  history: HistoryEntry[];
  sending: SendState;
  onSend: (verdict: Verdict, note: string, region: string, answers: Answer[]) => Promise<boolean>;
  onUndo: (id: string) => void;
  /** The note being typed: kept by the content script per lead, so navigating away does not lose it. */
  note: Signal<string>;
  /** Why the note being typed could not be kept in the browser, while it cannot. */
  notKept?: string | null;
  /** A private window's tab: the note is kept in the browser's memory alone (said under it). */
  inMemoryOnly?: boolean;
  /** The brief's questions for sales: each gets an optional short answer beside the note. */
  questions?: readonly string[];
  /** The answers being typed, by question: kept per lead like the note. */
  answers?: Signal<Answers>;
  /**
   * The region the rep chose for this lead, kept per lead like the note; null while they have chosen
   * none, when the lead's preset applies (it may come with a later reading of the page).
   */
  region?: Signal<string | null>;
  /** Whether the rep left the note and region open (remembered by the panel). */
  moreOpen: boolean;
  onMoreOpen: (open: boolean) => void;
}

/**
 * A verdict button's accessible name: its key and full label, which holds what the button shows, or else
 * what it shows first ("2 Wrong aud.: Wrong audience"), so that a rep using voice control can say what
 * they see, digit included (WCAG 2.5.3; axe-core's label-content-name-mismatch).
 */
function buttonName(verdict: Verdict, key: number): string {
  const full = verdictLabel(verdict);
  const short = verdictShortLabel(verdict);
  return `${key} ${full.toLowerCase().includes(short.toLowerCase()) ? full : `${short}: ${full}`}`;
}

function secondsLeft(until: string): number {
  return Math.max(0, Math.ceil((Date.parse(until) - Date.now()) / 1000));
}

function SentStatus(props: { entry: HistoryEntry | undefined; onUndo: (id: string) => void }) {
  const entry = props.entry;
  const [, tick] = useState(0);
  useEffect(() => {
    if (entry?.status !== 'held') return;
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, [entry?.status]);
  if (!entry) return <p class="sr-muted">{t('verdictSaved')}</p>;
  switch (entry.status) {
    case 'held': {
      const left = entry.undoUntil ? secondsLeft(entry.undoUntil) : 0;
      return (
        <p>
          {t('verdictSaved')}{' '}
          {left > 0 && (
            // Its countdown is not announced each second: the status around it is a live region.
            <button type="button" class="sr-link" aria-live="off" onClick={() => props.onUndo(entry.id)}>
              {t('verdictUndo', left)}
            </button>
          )}
        </p>
      );
    }
    case 'pending':
      return <p>{entry.problem ? t('verdictRetrying', entry.problem) : t('verdictSending')}</p>;
    case 'sent':
      return <p>{t('verdictSent')}</p>;
    case 'dead':
      return <p class="sr-warning">{t('verdictDead', entry.problem ?? '')}</p>;
  }
}

/**
 * The rep's verdict, docked at the foot of the panel so it never scrolls away: eight compact buttons
 * (or digits 1–8), the note and region one click away above them, and where the last click stands
 * beside them. The note is cleared only once the background has saved the verdict, and comes back on
 * Undo; a written note keeps its box open.
 */
export function VerdictForm(props: VerdictFormProps) {
  const note = props.note;
  // The rep's choice, else the preset of the lead's latest reading: taken once at mount, a region the
  // page said after the first reading (a CRM still rendering its fields) never reached the verdict.
  const ownRegion = useSignal<string | null>(null);
  const chosenRegion = props.region ?? ownRegion;
  const region = chosenRegion.value ?? props.setup.region ?? '';
  const ownAnswers = useSignal<Answers>({});
  const answers = props.answers ?? ownAnswers;
  const questions = props.questions ?? [];
  const sending = props.sending;
  const noteBox = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLElement>(null);
  // Answers to questions this brief does not ask (a draft from another campaign) are not shown or sent.
  const answered = questions.some((question) => answers.value[question]?.trim());
  const drafted = note.value !== '' || answered;
  // A note or answer left written on this lead opens the box, so the rep sees it before the next click.
  const more = useSignal(props.moreOpen || drafted);
  // A note that arrives in an empty box (the lead's kept draft, read after the bar was shown; another
  // tab's) opens it too, unless the rep has opened or folded the box since it was shown.
  const wasDrafted = useRef(drafted);
  const toggled = useRef(false);
  useLayoutEffect(() => {
    if (drafted && !wasDrafted.current && !more.peek() && !toggled.current) more.value = true;
    wasDrafted.current = drafted;
  }, [drafted]);
  const open = more.value;
  // An Undo is put back once, when it happens: mounted again later (the panel folded and opened, a
  // worker's restart shown meanwhile) while the state still says "undone", it added the note once more
  // (or brought back one the rep had deleted since) and reset the region.
  const undoneAtMount = useRef(sending.kind === 'undone' ? sending : null);
  useLayoutEffect(() => {
    if (sending.kind === 'undone' && sending !== undoneAtMount.current) {
      // Back in the box, before anything the rep has written since "Saved." (which stays).
      const back = withUndone(
        { note: note.value, answers: answers.value },
        { note: sending.note, answers: sending.answers ?? [] },
      );
      note.value = back.note;
      answers.value = back.answers;
      chosenRegion.value = sending.region;
      if (sending.note || sending.answers?.length) more.value = true;
      // The Undo button is gone with the focus it had: back to the verdict that was taken back.
      const active = document.activeElement;
      if (!active || active === document.body || form.current?.contains(active))
        form.current?.querySelector<HTMLElement>(`.sr-verdict__button--${sending.verdict}`)?.focus();
    }
  }, [sending]);
  const send = async (verdict: Verdict) => {
    if (sending.kind === 'saving') return;
    if (noteTooLong(note.value)) {
      // The box says how much to shorten: shown, with the keyboard in it.
      more.value = true;
      props.onMoreOpen(true);
      setTimeout(() => noteBox.current?.focus(), 0);
      return;
    }
    const given = questions
      .map((question) => ({ question, answer: answers.value[question] ?? '' }))
      .filter(({ answer }) => answer.trim() !== '');
    const sent = note.value;
    const sentAnswers = answers.value;
    if (await props.onSend(verdict, sent, region, given)) {
      // What the rep typed while it was saving is not what was sent: it stays.
      if (note.value === sent) note.value = '';
      if (answers.value === sentAnswers) answers.value = {};
    }
  };
  const toggle = () => {
    // Folding keeps a written note: it stays in the box (and the signal), shown again on opening.
    toggled.current = true;
    more.value = !open;
    props.onMoreOpen(!open);
    if (!open) setTimeout(() => noteBox.current?.focus(), 0);
  };
  return (
    <section class="sr-verdict" aria-labelledby="sr-verdict-title" ref={form}>
      <div id="sr-verdict-more" class="sr-verdict__more" hidden={!open}>
        <NoteField
          value={note}
          class="sr-field"
          inputRef={noteBox}
          notKept={props.notKept}
          inMemoryOnly={props.inMemoryOnly}
        />
        {questions.length > 0 && <AnswerFields questions={questions} value={answers} class="sr-field" />}
        {(props.setup.regions.length > 0 || props.setup.region) && (
          <RegionSelect
            value={region}
            onChange={(chosen) => {
              chosenRegion.value = chosen;
            }}
            regions={props.setup.regions}
            keep={props.setup.region}
            class="sr-field"
          />
        )}
      </div>
      <div class="sr-verdict__head">
        <h3 id="sr-verdict-title" class="sr-section__title">
          {t('verdictTitle')}
        </h3>
        {/* Named by its text, not aria-label: a label "… region" would also answer getByLabel('Region'). */}
        <button
          type="button"
          class="sr-verdict__more-toggle"
          aria-expanded={open}
          aria-controls="sr-verdict-more"
          title={t('verdictMore')}
          onClick={toggle}
        >
          <span aria-hidden="true">{t('verdictMoreShort')}</span>
          <span class="sr-visually-hidden">
            {!open && drafted ? t('verdictMoreDraft') : t('verdictMore')}
          </span>
          {drafted && <span class="sr-verdict__draft" aria-hidden="true" />}
        </button>
      </div>
      <fieldset class="sr-verdict__buttons">
        <legend class="sr-visually-hidden">{t('verdictButtons')}</legend>
        {VERDICTS.map((verdict, index) => (
          <button
            key={verdict}
            type="button"
            class={`sr-verdict__button sr-verdict__button--${verdict}`}
            data-verdict-key={index + 1}
            aria-keyshortcuts={String(index + 1)}
            aria-label={buttonName(verdict, index + 1)}
            title={verdictLabel(verdict)}
            // Not `disabled` while it saves: a disabled button drops the keyboard focus it has (the rep
            // pressed 3, and focus fell to the page's body); send() ignores clicks meanwhile.
            aria-disabled={sending.kind === 'saving'}
            onClick={() => void send(verdict)}
          >
            <kbd>{index + 1}</kbd> {verdictShortLabel(verdict)}
          </button>
        ))}
      </fieldset>
      <div class="sr-verdict__status" role="status" aria-live="polite">
        {sending.kind === 'saving' && <p class="sr-muted">{t('verdictSaving')}</p>}
        {sending.kind === 'saved' && (
          <SentStatus entry={props.history.find((entry) => entry.id === sending.id)} onUndo={props.onUndo} />
        )}
        {sending.kind === 'undone' && <p>{t('verdictUndone')}</p>}
      </div>
      {sending.kind === 'error' && (
        <p class="sr-error" role="alert">
          {sending.message}
        </p>
      )}
    </section>
  );
}
