import { cleanText, type FieldLayout } from './fields';

/** The text of a form control (its value) or of any other element. */
export function valueText(element: Element | null | undefined): string | undefined {
  if (!element) return undefined;
  if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)
    return cleanText(element.value);
  if (element instanceof HTMLSelectElement) return cleanText(element.selectedOptions[0]?.textContent);
  return cleanText(element.textContent);
}

/**
 * The common CRM layout: a field's container holds a label element and a value element. Anchors point
 * at the container (or at the value itself); labels are found by `label` inside `container`.
 */
export function labelledLayout(selectors: { container: string; label: string; value: string }): FieldLayout {
  return {
    labelSelector: selectors.label,
    labelText: (label) => cleanText(label.textContent),
    containerOf: (label) => label.closest(selectors.container),
    valueIn: (container) =>
      container.matches(selectors.value)
        ? valueText(container)
        : valueText(container.querySelector(selectors.value)),
  };
}

/** Keeps only the signals that were found. */
export function found<T extends Record<string, string | undefined>>(signals: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(signals).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}
