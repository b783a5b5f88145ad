import type { ObjectType } from '../protocol';
import { en, type MessageKey } from './en';

export type { MessageKey } from './en';

/** The text for `key`, with `$1`, `$2`, … replaced by `substitutions` (as plain text, never markup). */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  return en[key].replace(/\$(\d)/g, (placeholder, digit: string) => {
    const value = substitutions[Number(digit) - 1];
    return value === undefined ? placeholder : String(value);
  });
}

const OBJECT_KEYS: Record<ObjectType, MessageKey> = {
  lead: 'objectLead',
  contact: 'objectContact',
  deal: 'objectDeal',
  person: 'objectPerson',
};

export function objectTypeLabel(objectType: ObjectType): string {
  return t(OBJECT_KEYS[objectType]);
}
