/** English text of every user-visible string. `$1`, `$2` are filled in by `t()`. */
export const en = {
  appName: 'Sameroom',
  panelLabel: 'Sameroom: campaign brief',
  panelCollapse: 'Collapse the Sameroom panel',
  panelExpand: 'Expand the Sameroom panel',
  panelRecord: '$1 · $2',
  stateLoading: 'Loading…',
  stateNotLinked: 'Not linked to a workspace',
  stateNotLinkedHelp: "Link Sameroom to your team's workspace to see the campaign behind this lead.",
  stateNoAnswer: "Sameroom's background did not answer. Reload the page; if this stays, reinstall Sameroom.",
  actionOpenOptions: 'Open Sameroom options',
  linkedAs: 'Linked to $1 as $2 ($3)',
  optionsTitle: 'Sameroom settings',
  optionsWorkspace: 'Workspace',
  optionsCrmSites: 'CRM sites',
  optionsCrmSitesHelp: 'Sameroom shows its panel on record pages of these CRMs.',
  popupTitle: 'Sameroom',
  objectLead: 'Lead',
  objectContact: 'Contact',
  objectDeal: 'Deal',
  objectPerson: 'Person',
} as const;

export type MessageKey = keyof typeof en;
