/** What a person is told about a fault (pipeline/warehouse/faults.ts), from real errors where the machine can make them. */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFault } from '../../pipeline/warehouse/faults.ts';
import { DatabaseInUseError } from '../../pipeline/warehouse/open.ts';

function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('describeFault', () => {
  it('a full disk (a real ENOSPC from writing to /dev/full, and DuckDB’s wording)', () => {
    const enospc = thrownBy(() => writeFileSync('/dev/full', 'x'));
    expect((enospc as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const expected = {
      kind: 'disk-full',
      status: 503,
      message: "The server's disk is full, so nothing could be saved.",
      action:
        'Nothing was changed. Ask your administrator to free disk space on the server (the database folder and data/raw), then try again.'
    };
    expect(describeFault(enospc, 'r1')).toEqual(expected);
    expect(describeFault(new Error('IO Error: Could not write file "x.wal": No space left on device'), 'r1')).toEqual(
      expected
    );
  });

  it('a database or folder the server may not write', () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/data/uptake.duckdb'"), {
      code: 'EACCES'
    });
    expect(describeFault(eacces, 'r2')).toMatchObject({
      kind: 'not-writable',
      status: 503,
      message: 'The server is not allowed to write to its database or its folder.'
    });
    expect(describeFault(new Error('IO Error: Cannot open file "x.wal": Permission denied'), 'r2').kind).toBe(
      'not-writable'
    );
  });

  it('the database held by the uptake command', () => {
    expect(describeFault(new DatabaseInUseError('/data/uptake.duckdb', 4242, 'uptake load'), 'r3')).toEqual({
      kind: 'in-use',
      status: 503,
      message: 'The database is in use by another process, such as the uptake command run on the server.',
      action: 'Wait for that command to finish (or stop it), then reload this page.'
    });
  });

  it('anything else: a reference to quote, matching the server log', () => {
    expect(describeFault(new TypeError("Cannot read properties of undefined (reading 'x')"), 'ab12cd34')).toEqual({
      kind: 'unexpected',
      status: 500,
      message: 'Something went wrong on the server.',
      action:
        "Try again in a minute. If it keeps happening, tell your administrator, quoting reference ab12cd34: the server's log has the details under it."
    });
  });
});
