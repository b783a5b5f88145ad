/**
 * The id a verdict is sent with. The background stores an id once and answers a repeat with the first
 * save, so a verdict not known to be saved keeps its id: its answer never came (the worker went away
 * with it and was not back in time), or it came as an error (Firefox, its disk full, reported a failed
 * write for a verdict it had stored). Clicked again as it was (same lead, verdict, note, region,
 * answers), it goes with the same id and is stored once, whatever happened to the first try. Anything
 * else gets a new id, and so does the same verdict once it was saved (a rep may well judge a lead
 * "good fit" twice on purpose).
 */
export class VerdictIds {
  private unanswered: { what: string; id: string } | null = null;

  constructor(private readonly newId: () => string = () => crypto.randomUUID()) {}

  /** The id for a verdict described by `what` (the same text for the same verdict). */
  idFor(what: string): string {
    return this.unanswered?.what === what ? this.unanswered.id : this.newId();
  }

  /** `id` was saved (`saved`), or is not known to be: no answer came, or an error did. */
  settle(what: string, id: string, saved: boolean): void {
    if (!saved) this.unanswered = { what, id };
    else if (this.unanswered?.id === id) this.unanswered = null;
  }
}
