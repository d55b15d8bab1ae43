/**
 * GUIDs in REFI-QDA: the XSD pattern is 8-4-4-4-12 hex, optionally in {braces}. Real files also carry non-GUID ids
 * (`c001` in hand-written codebooks, hex-encoded pseudo-GUIDs). On import every id is normalised to a lowercase GUID
 * without braces; an id that is not a GUID is mapped to a stable derived GUID (the same id always maps to the same
 * GUID, so references to it still resolve), and each case is reported.
 */
import { stableGuid } from '../qualitative/store.ts';

const PLAIN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BRACED = /^\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}$/;

export type GuidDeviation = 'brace-guid' | 'non-guid-id';

export function normaliseGuid(raw: string): { guid: string; deviation: GuidDeviation | null } {
  const text = raw.trim();
  if (PLAIN.test(text)) return { guid: text.toLowerCase(), deviation: null };
  const braced = BRACED.exec(text);
  if (braced) return { guid: braced[1].toLowerCase(), deviation: 'brace-guid' };
  return { guid: stableGuid('refi-qda-id', text), deviation: 'non-guid-id' };
}
