/**
 * Every draft's note in the extension's database, read in one of its own contexts (its worker, or one
 * of its pages: the same origin, the same database). Passed to `evaluate` as it is, in Playwright and
 * Puppeteer alike, so it refers to nothing outside itself.
 */
export const draftNotesInExtension = (): Promise<string[]> =>
  new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('sameroom');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction('drafts').objectStore('drafts').getAll();
      read.onsuccess = () => resolve((read.result as Array<{ note: string }>).map((draft) => draft.note));
    };
  });
