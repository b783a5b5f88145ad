/** Every string and array in protocol v1 has a bound; these are they, in one place. */
export const LIMITS = {
  /** names: campaign, member, workspace, region, channel, owner */
  name: 120,
  /** one-line values: signals, match-rule values, currency amounts as text */
  short: 200,
  /** paragraphs of a brief: objective, audience, notFor, keyMessage, offer */
  paragraph: 2_000,
  /** a rep's note on a verdict, a marketer's reply */
  note: 2_000,
  /** a record URL */
  url: 2_048,
  /** CRM record ids, campaign ids in a CRM */
  recordId: 64,
  /** a custom site's host, with its port */
  site: 260,
  /** list items of a brief: talking points, questions for sales */
  listItems: 20,
  /** values in one kind of match rule */
  ruleValues: 50,
  /** regions in a workspace or on a brief */
  regions: 50,
  /** items in one POST /api/v1/feedback */
  batch: 100,
  /** replies shown with one item */
  replies: 100,
  /** briefs in one campaigns response */
  briefs: 1_000,
  /** items in one page of a feedback list */
  page: 500,
  /** a link code */
  code: 64,
  /** a bearer token as text (32 bytes, base64url) */
  token: 64,
  /** money amounts, in the brief's currency */
  money: 1e12,
  /** sales a campaign needs to pay for itself, entered or derived */
  breakEvenDeals: 1_000_000,
  /** the whole request body the workspace accepts, in bytes */
  bodyBytes: 1_048_576,
} as const;
