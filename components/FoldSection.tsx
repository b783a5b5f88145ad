import { type ComponentChildren, createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The panel's sections a rep can fold; the ids are what the panel remembers. */
export type SectionId =
  | 'why'
  | 'audience'
  | 'notFor'
  | 'message'
  | 'offer'
  | 'points'
  | 'questions'
  | 'economics'
  | 'progress'
  | 'history';

export interface Folds {
  closed: readonly SectionId[];
  onFold: (id: SectionId, open: boolean) => void;
}

/** Which sections are folded, from the panel; outside one, every section is open and stays so. */
export const FoldContext = createContext<Folds>({ closed: [], onFold: () => undefined });

/**
 * A section of the panel that folds to its title: a heading holding a button with aria-expanded (the
 * WAI-ARIA accordion pattern), so it keeps its place among the headings and opens with Enter or Space.
 * Its text stays in the page while folded, only hidden.
 */
export function FoldSection(props: {
  id: SectionId;
  title: string;
  class?: string;
  children: ComponentChildren;
}) {
  const folds = useContext(FoldContext);
  const open = !folds.closed.includes(props.id);
  const titleId = `sr-${props.id}`;
  return (
    <section class={props.class ? `sr-section ${props.class}` : 'sr-section'} aria-labelledby={titleId}>
      <h3 class="sr-section__title">
        <button
          type="button"
          id={titleId}
          class="sr-fold"
          aria-expanded={open}
          aria-controls={`${titleId}-body`}
          onClick={() => folds.onFold(props.id, !open)}
        >
          {props.title}
        </button>
      </h3>
      <div id={`${titleId}-body`} class="sr-section__body" hidden={!open}>
        {props.children}
      </div>
    </section>
  );
}
