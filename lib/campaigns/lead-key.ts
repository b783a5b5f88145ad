import type { Crm, ObjectType } from '../protocol';

/** One record, however its page was reached: the key a rep's pick is remembered under. */
export function leadKeyOf(lead: { crm: Crm; objectType: ObjectType; recordId: string }): string {
  return `${lead.crm}:${lead.objectType}:${lead.recordId}`;
}
