/**
 * What a REFI-QDA file holds, as read (read.ts) and before it is written to the warehouse (import.ts). All GUIDs are
 * normalised (lowercase, no braces); positions are code points over `text` (LF line ends, no BOM), half-open.
 */

export interface RefiCode {
  guid: string;
  name: string;
  isCodable: boolean;
  color: string | null;
  description: string | null;
  noteRefs: string[];
  children: RefiCode[];
}

export interface RefiCoding {
  guid: string;
  codeGuid: string;
  userGuid: string | null;
  created: string | null;
  noteRefs: string[];
}

export interface RefiSelection {
  guid: string;
  start: number;
  end: number;
  codings: RefiCoding[];
  userGuid: string | null;
  created: string | null;
  description: string | null;
  noteRefs: string[];
}

export interface RefiVariableValue {
  variableGuid: string;
  value: string;
}

export interface RefiSource {
  guid: string;
  name: string;
  /**
   * null when the text is absent (a bare .qde, a project shipped without its sources): positions are then kept as read.
   */
  text: string | null;
  /** Where the project said the text was, when it is absent. */
  missingPath: string | null;
  userGuid: string | null;
  created: string | null;
  description: string | null;
  selections: RefiSelection[];
  noteRefs: string[];
  variableValues: RefiVariableValue[];
}

export interface RefiCase {
  guid: string;
  name: string;
  description: string | null;
  variableValues: RefiVariableValue[];
  sourceRefs: string[];
  selectionRefs: string[];
}

export interface RefiNote {
  guid: string;
  name: string;
  text: string;
  userGuid: string | null;
  created: string | null;
  modified: string | null;
  description: string | null;
}

export interface RefiSet {
  guid: string;
  name: string;
  description: string | null;
  memberNotes: string[];
  memberSources: string[];
  memberCodes: string[];
}

export interface RefiProject {
  kind: 'project' | 'codebook';
  origin: string | null;
  name: string | null;
  /** User GUID → name. */
  users: Map<string, string>;
  codes: RefiCode[];
  variables: Map<string, { name: string; type: string }>;
  cases: RefiCase[];
  sources: RefiSource[];
  notes: RefiNote[];
  projectNoteRefs: string[];
  sets: RefiSet[];
}

/** A departure from the standard that was tolerated (kind: brace-guid, namespace, crlf, bom, selection-past-end …). */
export interface Deviation {
  kind: string;
  message: string;
}

/** Something in the file that Uptake did not carry into the warehouse, and why. */
export interface NotCarried {
  what: string;
  name: string | null;
  reason: string;
}

export interface ImportReport {
  deviations: Deviation[];
  notCarried: NotCarried[];
  /** What was written: sources, participants, categories, codes, codings, memos, cells. */
  counts: Record<string, number>;
}
