/**
 * The id a verdict is sent with. The background stores an id once and answers a repeat with the first
 * save, so a verdict whose answer never came (the worker went away with it and was not back in time:
 * it may be stored or not) keeps its id: clicked again as it was (same lead, verdict, note, region,
 * answers), it goes with the same id and is stored once, whatever happened to the first try. Anything
 * else gets a new id, and so does the same verdict once an answer came for it (a rep may well judge a
 * lead "good fit" twice on purpose).
 */
export class VerdictIds {
  private unanswered: { what: string; id: string } | null = null;

  constructor(private readonly newId: () => string = () => crypto.randomUUID()) {}

  /** The id for a verdict described by `what` (the same text for the same verdict). */
  idFor(what: string): string {
    return this.unanswered?.what === what ? this.unanswered.id : this.newId();
  }

  /** An answer came for `id` (`answered`), or none did. */
  settle(what: string, id: string, answered: boolean): void {
    if (!answered) this.unanswered = { what, id };
    else if (this.unanswered?.id === id) this.unanswered = null;
  }
}
