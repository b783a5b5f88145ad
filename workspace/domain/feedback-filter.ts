/** The dashboard's filters, as the matrix and its drill-down list both apply them. */
export interface PeriodFilter {
  from?: string | undefined;
  to?: string | undefined;
  region?: string | undefined;
  channel?: string | undefined;
  rep?: string | undefined;
}

/** SQL conditions with numbered parameters, added one at a time. */
export class Conditions {
  readonly clauses: string[] = [];
  constructor(readonly params: unknown[] = []) {}

  /** A condition with one `?`, which becomes the next parameter. */
  add(clause: string, value: unknown): this {
    this.params.push(value);
    this.clauses.push(clause.replace('?', `$${this.params.length}`));
    return this;
  }

  where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/**
 * Each lead's latest verdict among the feedback `f` that `conditions` admit, as `columns`: the newest by
 * createdAt, then the later to arrive, then the greater id (the rollups' order, rollups.ts).
 */
export function latestPerLead(columns: string, conditions: Conditions): string {
  return `SELECT DISTINCT ON (f.lead_key) ${columns} FROM feedback f ${conditions.where()}
           ORDER BY f.lead_key, f.created_at DESC, f.received_at DESC, f.id DESC`;
}

/** Feedback `f` in the period (both dates included), region, channel of its campaign, and rep. */
export function addPeriodFilter(conditions: Conditions, filter: PeriodFilter): Conditions {
  if (filter.from) conditions.add('f.created_at >= ?::date', filter.from);
  if (filter.to) conditions.add("f.created_at < ?::date + interval '1 day'", filter.to);
  if (filter.region) conditions.add('f.region = ?', filter.region);
  if (filter.channel) {
    conditions.add(
      "EXISTS (SELECT 1 FROM briefs b WHERE b.id = f.campaign_id AND b.data->>'channel' = ?)",
      filter.channel,
    );
  }
  if (filter.rep) conditions.add('f.member_id = ?::uuid', filter.rep);
  return conditions;
}
