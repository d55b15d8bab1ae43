/**
 * The /reports/<name> routes take names of notebooks in notebooks/, never paths (the built server, `npm run build`
 * first). A name from the URL once reached the file system: a path inside the project rendered as a report (200), a
 * file the server could not read answered 500 and a missing one 404, so anyone signed in learned which files exist.
 * Now every name that is not a notebook in the folder gets the same 404 page, which names no file, and the refusal is
 * audited.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signedIn, startAccessServer, type AccessServer, type Visitor } from './helpers/server.ts';

let server: AccessServer;
let funder: Visitor;
let admin: Visitor;

beforeAll(async () => {
  server = await startAccessServer();
  funder = await signedIn(server.url, 'fay');
  admin = await signedIn(server.url, 'ada');
});

afterAll(async () => {
  await server?.stop();
});

/**
 * The answer's text: a page's <main> (the rest carries per-response nonces), or the whole body of a download's error
 * (SvelteKit's plain error page), so two answers can be compared.
 */
async function mainText(response: Response): Promise<string> {
  const html = await response.text();
  const main = html.includes('<main') ? html.slice(html.indexOf('<main'), html.indexOf('</main>')) : html;
  return main
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// A file inside the project, one outside that exists but the server may not read, one that exists and is readable,
// and one that does not exist: all four must get the same answer.
const NOT_NOTEBOOKS = [
  'node_modules%2Fjszip%2FCHANGES.md',
  '%2Fetc%2Fshadow',
  '%2Fetc%2Fhostname',
  '%2Fetc%2Fno-such-file-here',
  '..%2FREADME.md',
  'README',
  'funder-impact.md',
  'no-such-report'
];

describe('a report name is a notebook in notebooks/, never a path', () => {
  test.each(['', '.html', '.pdf'])(
    'every other name gets the same 404, whatever exists on disk (%s)',
    async (suffix) => {
      const answers = [];
      for (const name of NOT_NOTEBOOKS) {
        const response = await funder.request(`/reports/${name}${suffix}?audience=funder`);
        expect(response.status, `${name}${suffix}`).toBe(404);
        answers.push(await mainText(response));
      }
      expect(answers[0]).toContain('There is no report with that name');
      // Nothing in the answer depends on the name asked for or on the file system.
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).not.toMatch(/jszip|shadow|etc|CHANGES|README/i);
    }
  );

  test('a path to a Markdown file inside the project is not rendered, for any role', async () => {
    for (const visitor of [funder, admin]) {
      const response = await visitor.request('/reports/node_modules%2Fjszip%2FCHANGES.md?audience=committee');
      // The funder is first sent to the funder audience; follow it once.
      const answer = response.status === 303 ? await visitor.request(response.headers.get('location')!) : response;
      expect(answer.status).toBe(404);
      expect(await answer.text()).not.toContain('JSZip');
    }
  });

  test('the shipped reports still open', async () => {
    expect((await funder.request('/reports/funder-impact?audience=funder')).status).toBe(200);
    expect((await admin.request('/reports/steering-committee-monthly?audience=committee')).status).toBe(200);
    expect((await admin.request('/reports/funder-impact.html?audience=funder')).status).toBe(200);
  });

  test('each refused name is in the audit log, as a refused report render by who asked', async () => {
    await funder.request('/reports/%2Fetc%2Fpasswd?audience=funder');
    const html = await (await admin.request('/admin/audit?action=report-render&outcome=refused&actor=fay')).text();
    const body = html.slice(html.indexOf('<tbody'), html.indexOf('</tbody>'));
    expect(body).toContain('/reports/%2Fetc%2Fpasswd?audience=funder');
    expect(body).toContain('no notebook of that name in the notebooks folder');
  });
});
