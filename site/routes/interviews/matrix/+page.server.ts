/**
 * The framework matrix for one category (?category=…): participants grouped by stakeholder group × the category's
 * codes. Each cell shows the participant's coded passages beside a summary that saves as a new version (autosaves
 * coalesce: pipeline/qualitative/matrix.ts), its status, and the quotes it cites, each linking to the exact passage.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actorFrom, attempt, integer, text, withReader, withWriter, writeAction } from '$lib/server/interviews.ts';
import { getCodebook } from '$pipeline/qualitative/codebook.ts';
import { frameworkMatrix, NO_GROUP } from '$pipeline/qualitative/framework-matrix.ts';
import { addCellQuote, CellConflictError, removeCellQuote, saveCellSummary } from '$pipeline/qualitative/matrix.ts';
import { busiestCategory } from '$pipeline/qualitative/figures.ts';
import { lineAt } from '$pipeline/qualitative/offsets.ts';
import { QualitativeError } from '$pipeline/qualitative/store.ts';
import { participantTranscriptLines } from '$pipeline/qualitative/transcripts.ts';
import { attributeValues } from '$pipeline/qualitative/attributes.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader(async (connection) => {
    const codebook = await getCodebook(connection);
    const category =
      codebook.find((c) => c.category_id === url.searchParams.get('category')) ?? busiestCategory(codebook);
    const topOnly = url.searchParams.get('codes') === 'top';
    const group = url.searchParams.get('group') ?? '';
    // Rows grouped by stakeholder group, or by a case attribute ("gender", "age") the reader picks.
    const attributes = (await attributeValues(connection)).map((a) => a.name);
    const groupBy = attributes.find((a) => a === url.searchParams.get('rows')) ?? '';
    if (!category) return { categories: [], matrix: null, groups: [], group, topOnly, attributes, groupBy };
    const matrix = await frameworkMatrix(connection, category.category_id, { groupBy: groupBy || undefined });
    // Groups in alphabetical order whatever their case, as on the other Interviews pages; no group last.
    const none = groupBy ? `No ${groupBy}` : NO_GROUP;
    matrix.groups.sort(
      (a, b) => Number(a.group === none) - Number(b.group === none) || a.group.localeCompare(b.group, 'en')
    );
    // Passages show their line numbers, so a reader can find them in the transcript without following the link.
    const texts = await participantTranscriptLines(connection);
    // A group chosen under another grouping is not a group of this one: show every group.
    const shown = matrix.groups.some((g) => g.group === group) ? group : '';
    const keep = matrix.columns.map((c) => !topOnly || c.depth === 0);
    return {
      categories: codebook.map((c) => ({ category_id: c.category_id, name: `${c.number} ${c.name}` })),
      groups: matrix.groups.map((g) => g.group),
      group: shown,
      topOnly,
      attributes,
      groupBy,
      matrix: {
        category: matrix.category,
        columns: matrix.columns.filter((_, i) => keep[i]),
        groups: matrix.groups
          .filter((g) => !shown || g.group === shown)
          .map((g) => ({
            group: g.group,
            rows: g.rows.map((r) => ({
              participant: r.participant,
              cells: r.cells
                .filter((_, i) => keep[i])
                .map((cell) => ({
                  ...cell,
                  passages: cell.passages.map((p) => ({
                    ...p,
                    line: lineAt(texts.get(p.transcript_id) ?? [0], p.start_cp)
                  }))
                }))
            }))
          }))
      }
    };
  });

export const actions: Actions = {
  saveCell: async ({ request, locals }) => {
    const form = await request.formData();
    const summary = text(form, 'summary', 20_000).replace(/\r\n?/g, '\n');
    const requested = text(form, 'status', 20);
    const autosave = form.get('autosave') === '1';
    const expectedVersion = integer(form, 'version') ?? undefined;
    // An autosave never sets the status: changed text makes a cell "drafted" again (the engine's rule). A blank
    // summary is "empty" whatever was chosen.
    const status = autosave || !summary.trim() ? undefined : requested === 'reviewed' ? 'reviewed' : 'drafted';
    try {
      const cell = await withWriter((c) =>
        saveCellSummary(
          c,
          {
            participantId: text(form, 'participant', 100),
            codeId: text(form, 'code', 100),
            summary,
            status,
            autosave,
            expectedVersion
          },
          actorFrom(locals, form)
        )
      );
      return {
        action: 'saveCell',
        ok: true as const,
        cell: {
          cell_id: cell.cell_id,
          code_id: cell.code_id,
          participant_id: cell.participant_id,
          version: cell.version,
          status: cell.status,
          summary: cell.summary,
          updated_by: cell.updated_by,
          updated_at: cell.updated_at
        },
        autosave
      };
    } catch (e) {
      if (e instanceof CellConflictError) {
        return fail(409, {
          action: 'saveCell',
          ok: false as const,
          message: e.message,
          code: e.current.code_id,
          participant: e.current.participant_id,
          current: { version: e.current.version, summary: e.current.summary }
        });
      }
      if (e instanceof QualitativeError)
        return fail(400, { action: 'saveCell', ok: false as const, message: e.message });
      throw e;
    }
  },

  addQuote: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('addQuote', async () => {
      const quote = await withWriter((c) =>
        addCellQuote(
          c,
          text(form, 'participant', 100),
          text(form, 'code', 100),
          { codingId: text(form, 'coding', 100) },
          actorFrom(locals, form)
        )
      );
      return { ordinal: quote.ordinal, cell: quote.cell_id };
    });
  },

  removeQuote: writeAction('removeQuote', (c, form) => removeCellQuote(c, text(form, 'quote', 100)))
};
