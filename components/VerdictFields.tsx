import type { Signal } from '@preact/signals';
import type { Ref } from 'preact';
import { t, verdictLabel } from '../lib/i18n';
import type { Verdict } from '../lib/protocol';
import { VERDICTS } from '../lib/protocol/constants';
import { LIMITS } from '../lib/protocol/limits';
import { noteTooLong } from '../lib/store/draft-text';

/** A count as the rep's language writes it (2,150). */
const formatCount = (n: number) => n.toLocaleString();

/**
 * The rep's note for marketing, bounded as the protocol bounds it: typing stops at the bound. A note
 * put back longer (an undone verdict's before what was written since) is shown whole, with how much
 * to shorten before it can be sent.
 */
export function NoteField(props: {
  value: Signal<string>;
  class?: string;
  inputRef?: Ref<HTMLTextAreaElement>;
  /** Why what is typed is not kept in the browser (its storage full): said under the box. */
  notKept?: string | null | undefined;
  /** A private window's: what is typed is kept in the browser's memory alone, said under the box. */
  inMemoryOnly?: boolean | undefined;
}) {
  return (
    <label class={props.class}>
      <span>{t('verdictNote')}</span>
      <textarea
        ref={props.inputRef}
        rows={2}
        maxLength={LIMITS.note}
        value={props.value.value}
        onInput={(event) => {
          props.value.value = event.currentTarget.value;
        }}
      />
      {noteTooLong(props.value.value) && (
        <span class="sr-warning" role="status">
          {t('noteTooLong', formatCount(props.value.value.length), formatCount(LIMITS.note))}
        </span>
      )}
      {props.inMemoryOnly && !props.notKept && <span class="sr-muted">{t('draftInMemory')}</span>}
      {props.notKept && (
        <span class="sr-warning" role="status">
          {t('draftNotKept', props.notKept)}
        </span>
      )}
    </label>
  );
}

/** Answers being typed, by question. */
export type Answers = Readonly<Record<string, string>>;

/**
 * The brief's questions for sales, each with an optional one-line answer (Tab moves between them;
 * digits type, never pick a verdict, while one has focus). Never required.
 */
export function AnswerFields(props: {
  questions: readonly string[];
  value: Signal<Answers>;
  class?: string;
}) {
  return (
    <fieldset class="sr-answers">
      <legend>{t('verdictAnswers')}</legend>
      {props.questions.map((question) => (
        <label key={question} class={props.class}>
          <span>{question}</span>
          <input
            type="text"
            maxLength={LIMITS.short}
            placeholder={t('verdictAnswerOptional')}
            value={props.value.value[question] ?? ''}
            onInput={(event) => {
              props.value.value = { ...props.value.value, [question]: event.currentTarget.value };
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The verdict's region: one of the workspace's, or none. `keep` (a preset or an earlier choice) is
 * offered even when the workspace does not list it, so the select shows what will be sent.
 */
export function RegionSelect(props: {
  /** The region shown; a signal is set on a change, a plain value leaves the change to `onChange`. */
  value: Signal<string> | string;
  onChange?: (region: string) => void;
  regions: readonly string[];
  keep?: string | null;
  class?: string;
}) {
  const value = props.value;
  const regions =
    props.keep && !props.regions.includes(props.keep) ? [...props.regions, props.keep] : props.regions;
  return (
    <label class={props.class}>
      <span>{t('verdictRegion')}</span>
      <select
        value={typeof value === 'string' ? value : value.value}
        onChange={(event) => {
          const chosen = event.currentTarget.value;
          if (typeof value !== 'string') value.value = chosen;
          props.onChange?.(chosen);
        }}
      >
        <option value="">{t('verdictNoRegion')}</option>
        {regions.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The eight verdicts as a list to choose from (the panel has buttons instead). */
export function VerdictSelect(props: { value: Signal<Verdict> }) {
  return (
    <label>
      <span>{t('quickVerdict')}</span>
      <select
        value={props.value.value}
        onChange={(event) => {
          props.value.value = event.currentTarget.value as Verdict;
        }}
      >
        {VERDICTS.map((value) => (
          <option key={value} value={value}>
            {verdictLabel(value)}
          </option>
        ))}
      </select>
    </label>
  );
}
