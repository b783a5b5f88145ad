import { useSignal } from '@preact/signals';
import { objectTypeLabel, signalLabel, t } from '../lib/i18n';
import type { ObjectType } from '../lib/protocol';
import { OBJECT_TYPES } from '../lib/protocol/constants';

/** Problems by field path ("match", "fields.region.selector"), or a general one under "". */
export type CustomSiteProblems = Record<string, string>;

const FIELDS = ['leadSource', 'campaignName', 'utmCampaign', 'region'] as const;
type FieldRules = Record<string, { selector: string; label: string }>;
const NO_FIELD_RULES = (): FieldRules =>
  Object.fromEntries(FIELDS.map((field) => [field, { selector: '', label: '' }]));
const DEFAULT_OBJECT_TYPE: ObjectType = 'person';

function Problem(props: { problems: CustomSiteProblems; path: string }) {
  const text = props.problems[props.path];
  return text ? (
    <span class="sr-error" id={`problem-${props.path}`}>
      {text}
    </span>
  ) : null;
}

/**
 * Describe a CRM Sameroom does not know: where its pages are, how a record's URL carries its id, and
 * optionally how to read the signals. Adding asks the browser for access to the site.
 */
export function CustomSiteForm(props: {
  onAdd: (input: unknown) => Promise<CustomSiteProblems | null>;
  /** The rep started on the form (focus inside it): what checking it needs can load now. */
  onEdit?: () => void;
}) {
  const label = useSignal('');
  const match = useSignal('');
  const recordPattern = useSignal('');
  const recordQuery = useSignal('');
  const objectType = useSignal<ObjectType>(DEFAULT_OBJECT_TYPE);
  const fields = useSignal<FieldRules>(NO_FIELD_RULES());
  const problems = useSignal<CustomSiteProblems>({});
  const added = useSignal(false);
  /** An Add under way: a second click would add the site twice (no prompt comes once access is granted). */
  const busy = useSignal(false);
  const text = (value: { value: string }, path: string, name: string, placeholder?: string) => (
    <label>
      {name}
      <input
        type="text"
        spellcheck={false}
        value={value.value}
        placeholder={placeholder}
        aria-invalid={problems.value[path] ? true : undefined}
        aria-describedby={problems.value[path] ? `problem-${path} custom-site-help` : 'custom-site-help'}
        onInput={(event) => {
          value.value = event.currentTarget.value;
        }}
      />
      <Problem problems={problems.value} path={path} />
    </label>
  );
  return (
    <form
      class="sr-form"
      aria-labelledby="custom-site-title"
      onFocusIn={props.onEdit}
      onSubmit={(event) => {
        event.preventDefault();
        if (busy.value) return;
        const form = event.currentTarget;
        busy.value = true;
        added.value = false;
        // No await before onAdd: it asks for the site's permission, which needs this click.
        void props
          .onAdd({
            label: label.value,
            match: match.value,
            recordPattern: recordPattern.value,
            recordQuery: recordQuery.value,
            objectType: objectType.value,
            fields: fields.value,
          })
          .then((result) => {
            busy.value = false;
            problems.value = result ?? {};
            // Added: the form is empty for the next site, whose selectors and record type the one
            // just added (listed above, with its rules) must not lend it unnoticed. Refused: all that
            // was typed stays, beside what to change.
            if (!result) {
              added.value = true;
              label.value = '';
              match.value = '';
              recordPattern.value = '';
              recordQuery.value = '';
              objectType.value = DEFAULT_OBJECT_TYPE;
              fields.value = NO_FIELD_RULES();
            } else {
              // The Add button sits below the form: a problem beside a box above was out of sight,
              // and said to no screen reader. The first box to change takes the focus (its problem is
              // its description); a problem of the whole form is an alert.
              setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
            }
          });
      }}
    >
      <h3 id="custom-site-title">{t('customSiteAdd')}</h3>
      <p id="custom-site-help" class="sr-muted">
        {t('customSiteHelp')}
      </p>
      {text(label, 'label', t('customSiteName'), t('customSiteNameExample'))}
      {text(match, 'match', t('customSiteMatch'), 'https://crm.example.com/*')}
      {text(recordPattern, 'recordPattern', t('customSiteRecordUrl'), '/objects/people/(?<id>[0-9a-f-]{36})')}
      {text(recordQuery, 'recordQuery', t('customSiteQuery'), 'lid')}
      <label>
        {t('customSiteObjectType')}
        <select
          value={objectType.value}
          onChange={(event) => {
            objectType.value = event.currentTarget.value as ObjectType;
          }}
        >
          {OBJECT_TYPES.map((type) => (
            <option key={type} value={type}>
              {objectTypeLabel(type)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('customSiteFields')}</legend>
        {FIELDS.map((field) => (
          <div key={field} class="sr-field-rule">
            <strong>{signalLabel(field)}</strong>
            {(['selector', 'label'] as const).map((kind) => {
              // A rule's problem is its box's description, and the box the first to take the focus
              // after a refused Add (below): said nowhere else, it was read by no screen reader.
              const path = `fields.${field}.${kind}`;
              const wrong = Boolean(problems.value[path]);
              const name = kind === 'selector' ? t('customSiteSelector') : t('customSiteLabel');
              return (
                <label key={kind}>
                  {name}
                  <input
                    type="text"
                    spellcheck={false}
                    // Four of each on the form: each named with its field ("Region: CSS selector").
                    aria-label={`${signalLabel(field)}: ${name}`}
                    aria-invalid={wrong ? true : undefined}
                    aria-describedby={wrong ? `problem-${path}` : undefined}
                    value={fields.value[field]![kind]}
                    onInput={(event) => {
                      fields.value = {
                        ...fields.value,
                        [field]: { ...fields.value[field]!, [kind]: event.currentTarget.value },
                      };
                    }}
                  />
                  <Problem problems={problems.value} path={path} />
                </label>
              );
            })}
          </div>
        ))}
      </fieldset>
      <button type="submit" class="sr-button" aria-disabled={busy.value}>
        {t('customSiteAddAction')}
      </button>
      {problems.value[''] && (
        <p role="alert" class="sr-error">
          {problems.value['']}
        </p>
      )}
      {/* In the page from the start, so that the words put in it are read (a status region made
          with its words in it is not, by some screen readers). */}
      <p role="status">{added.value ? t('customSiteAdded') : ''}</p>
    </form>
  );
}
