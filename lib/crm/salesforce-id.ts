/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 with a case-insensitive checksum suffix
 * that encodes which of the 15 are upper case. We keep the 18-character form so a lead counts once.
 */
const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The 18-character id, or null when this is not a Salesforce id (or its checksum is wrong). */
export function toSalesforceId18(candidate: string): string | null {
  if (!ID.test(candidate) || candidate.startsWith('000')) return null;
  const id15 = candidate.slice(0, 15);
  const expected = checksum(id15);
  if (candidate.length === 18 && candidate.slice(15).toUpperCase() !== expected) return null;
  return id15 + expected;
}
