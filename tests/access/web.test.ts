/**
 * The rules around the policy table (pipeline/access/web.ts) and the upload guard (pipeline/access/upload-guard.ts),
 * as plain functions: same-origin writes, demo mode only on loopback, safe redirects, security headers, upload
 * size and type, file names that never become paths.
 */
import { describe, expect, test } from 'vitest';
import { demoMode, isSameOriginWrite, parseByteSize, safeNext, securityHeaders } from '../../pipeline/access/web.ts';
import {
  checkUpload,
  displayName,
  refusedUpload,
  uploadFileName,
  UploadRefusedError
} from '../../pipeline/access/upload-guard.ts';
import { writeZip } from './helpers/zip-writer.ts';

describe('cross-site writes', () => {
  const site = 'http://127.0.0.1:3000';
  test('reads pass; writes need our own Origin, and a missing Origin is refused', () => {
    expect(isSameOriginWrite('GET', null, site)).toBe(true);
    expect(isSameOriginWrite('POST', site, site)).toBe(true);
    expect(isSameOriginWrite('POST', 'https://evil.example', site)).toBe(false);
    expect(isSameOriginWrite('DELETE', null, site)).toBe(false);
    expect(isSameOriginWrite('put', 'http://127.0.0.1:3001', site)).toBe(false);
  });
});

describe('demo mode', () => {
  test('only with UPTAKE_DEMO=1 and a loopback HOST', () => {
    expect(demoMode({ UPTAKE_DEMO: '1', HOST: '127.0.0.1' }).on).toBe(true);
    expect(demoMode({ UPTAKE_DEMO: '1', HOST: 'localhost' }).on).toBe(true);
    expect(demoMode({ UPTAKE_DEMO: '1', HOST: '::1' }).on).toBe(true);
    expect(demoMode({ HOST: '127.0.0.1' }).on).toBe(false);
    expect(demoMode({ UPTAKE_DEMO: 'true', HOST: '127.0.0.1' }).on).toBe(false);
    expect(demoMode({ UPTAKE_DEMO: '1', HOST: '0.0.0.0' })).toEqual({
      on: false,
      why: 'UPTAKE_DEMO=1 was ignored: HOST is "0.0.0.0", and demo mode signs everyone in as an admin, so it needs HOST=127.0.0.1'
    });
    // The built server listens on every address when HOST is not set; `vite dev` on localhost.
    expect(demoMode({ UPTAKE_DEMO: '1' }).on).toBe(false);
    expect(demoMode({ UPTAKE_DEMO: '1' }, true).on).toBe(true);
  });
});

describe('after sign-in', () => {
  test('only a path on this site is followed', () => {
    expect(safeNext('/services?setting=acute', '/')).toBe('/services?setting=acute');
    for (const bad of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
      null,
      '/sign-in?next=/x',
      '/auth/oidc/start'
    ]) {
      expect(safeNext(bad, '/reports')).toBe('/reports');
    }
  });
});

test('security headers: frames denied, no sniffing, referrer kept to the site, HSTS only over https', () => {
  expect(securityHeaders(false)).toEqual({
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin'
  });
  expect(securityHeaders(true)['strict-transport-security']).toBe('max-age=31536000');
});

test("adapter-node's BODY_SIZE_LIMIT syntax", () => {
  expect(parseByteSize(undefined)).toBe(512 * 1024);
  expect(parseByteSize('100M')).toBe(100 * 1024 * 1024);
  expect(parseByteSize('2G')).toBe(2 * 1024 ** 3);
  expect(parseByteSize('4096')).toBe(4096);
  expect(parseByteSize('Infinity')).toBe(Infinity);
});

describe('uploads', () => {
  const csv = new TextEncoder().encode('service_id,service_name\nS1,One\n');
  const refusal = async (name: string, bytes: Uint8Array, maxBytes?: number) => {
    try {
      await checkUpload(name, bytes, { maxBytes });
    } catch (error) {
      if (error instanceof UploadRefusedError)
        return { reason: error.reason, status: error.status, message: error.message };
      throw error;
    }
    throw new Error('accepted');
  };

  test('accepted: CSV, JSON and XLSX by name and by content', async () => {
    expect(await checkUpload('services.csv', csv)).toEqual({ displayName: 'services.csv', extension: '.csv' });
    expect(await checkUpload('uptake.JSON', new TextEncoder().encode('\ufeff [{"a":1}]'))).toEqual({
      displayName: 'uptake.JSON',
      extension: '.json'
    });
    const workbook = writeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'xl/workbook.xml', data: '<workbook/>' }
    ]);
    expect(await checkUpload('C:\\Users\\me\\services.xlsx', workbook)).toEqual({
      displayName: 'services.xlsx',
      extension: '.xlsx'
    });
  });

  test('refused, each with the reason in words', async () => {
    expect(await refusal('big.csv', new Uint8Array(2 * 1048576 + 1), 2 * 1048576)).toEqual({
      reason: 'too-large',
      status: 413,
      message: 'big.csv is 2.0 MB; the largest file accepted is 2.0 MB.'
    });
    expect(await refusal('empty.csv', new Uint8Array(0))).toMatchObject({
      reason: 'empty',
      message: 'empty.csv is empty.'
    });
    expect(await refusal('services.exe', csv)).toEqual({
      reason: 'wrong-type',
      status: 415,
      message:
        'services.exe is not a file Uptake loads: the accepted types are CSV (.csv), Excel workbook (XLSX) (.xlsx), JSON (.json).'
    });
    expect(await refusal('services.xlsx', csv)).toMatchObject({
      reason: 'wrong-content',
      message: 'services.xlsx is named .xlsx but is not an Excel workbook (it is not a ZIP archive).'
    });
    expect(await refusal('services.csv', writeZip([{ name: 'a', data: 'b' }]))).toMatchObject({
      reason: 'wrong-content'
    });
    expect(await refusal('services.csv', new Uint8Array([0x41, 0x00, 0x42]))).toMatchObject({
      message: 'services.csv is named .csv but holds binary data, not text. Export it again as CSV.'
    });
    expect(await refusal('uptake.json', csv)).toMatchObject({
      message: 'uptake.json is named .json but does not start with { or [, so it is not JSON.'
    });
    expect(
      await refusal(
        'a.xlsx',
        writeZip([
          { name: 'xl/workbook.xml', data: '<w/>' },
          { name: '../../evil.sh', data: 'rm -rf /' }
        ])
      )
    ).toEqual({
      reason: 'unsafe-archive',
      status: 422,
      message: 'a.xlsx was refused: the entry "../../evil.sh" points outside the archive\'s folder (path traversal).'
    });
    expect(await refusal('a.xlsx', writeZip([{ name: 'word/document.xml', data: '<w/>' }]))).toMatchObject({
      reason: 'wrong-content'
    });
  });

  test('the name sent is never a path: it is shown as text, and the bytes get a random name', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('..\\..\\Windows\\win.ini')).toBe('win.ini');
    expect(displayName('uptake\u0000-2017.csv')).toBe('uptake-2017.csv');
    expect(displayName('')).toBe('upload');
    const a = uploadFileName('.csv');
    expect(a).toMatch(/^upload-[0-9a-f-]{36}\.csv$/);
    expect(uploadFileName('.csv')).not.toBe(a);
  });

  test('a refusal becomes a rejected load report with one problem, as the upload page shows them', () => {
    const report = refusedUpload(
      'big.csv',
      new UploadRefusedError('too-large', 'big.csv is 2.0 MB; the largest file accepted is 1.0 MB.', 413)
    );
    expect(report).toEqual({
      batchId: '',
      outcome: 'rejected',
      loaded: [],
      skipped: [],
      problems: [
        {
          file: 'big.csv',
          row: null,
          column: null,
          value: null,
          rule: 'upload-too-large',
          message: 'big.csv is 2.0 MB; the largest file accepted is 1.0 MB.',
          severity: 'error'
        }
      ]
    });
  });
});
