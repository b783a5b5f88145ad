import { formatLocale } from '../../lib/i18n';
import type { DashboardKey } from '../../lib/i18n/dashboard';
import { td } from '../../lib/i18n/dashboard';
import type { BriefStatus, Crm, Priority, Role } from '../../lib/protocol';

/** The dashboard's words for the protocol's enums (the verdicts' come from lib/i18n's `verdictLabel`). */
const STATUS: Record<BriefStatus, DashboardKey> = {
  draft: 'statusDraft',
  active: 'statusActive',
  paused: 'statusPaused',
  ended: 'statusEnded',
};
const PRIORITY: Record<Priority, DashboardKey> = {
  high: 'priorityHigh',
  normal: 'priorityNormal',
  low: 'priorityLow',
};
const ROLE: Record<Role, DashboardKey> = { rep: 'roleRep', marketer: 'roleMarketer', admin: 'roleAdmin' };

/** The CRMs' own product names (not translated); a custom site is the team's own. */
const CRM_NAMES: Record<Exclude<Crm, 'custom'>, string> = {
  salesforce: 'Salesforce',
  hubspot: 'HubSpot',
  pipedrive: 'Pipedrive',
  dynamics: 'Dynamics 365',
  zoho: 'Zoho CRM',
  close: 'Close',
  freshsales: 'Freshsales',
  attio: 'Attio',
};

export const crmName = (crm: Crm) => (crm === 'custom' ? td('crmCustom') : CRM_NAMES[crm]);
export const statusLabel = (status: BriefStatus) => td(STATUS[status]);
export const priorityLabel = (priority: Priority) => td(PRIORITY[priority]);
export const roleLabel = (role: Role) => td(ROLE[role]);

/**
 * A date and time in the reader's language, in UTC and marked so: the filters' days are UTC days, and a
 * verdict shown in the browser's zone (unmarked) fell outside the day its shown date said (New York:
 * "4 May, 9:00 PM" is 5 May in UTC, left out of a filter To 4 May).
 */
export const dateTimeText = (iso: string) =>
  new Date(iso).toLocaleString(formatLocale(), {
    timeZone: 'UTC',
    dateStyle: 'medium',
    timeStyle: 'short',
  }) + ' UTC';
