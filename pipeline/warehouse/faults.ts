/**
 * What went wrong, in words for the person who met it, and what to do. The dashboard's error handler
 * (site/hooks.server.ts) and upload page use this, so a fault the server can name is never a bare "Internal Error":
 * a full disk, a database the server may not write, a database held by the `uptake` command. Anything else gets a
 * reference that matches the line the server logged, so an administrator can find the details.
 */

export type FaultKind = 'disk-full' | 'not-writable' | 'in-use' | 'unexpected';

export interface Fault {
  kind: FaultKind;
  /** The HTTP status that fits: 503 for faults that pass once someone acts, 500 for the unexpected. */
  status: number;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  action: string;
}

const text = (error: unknown) => `${(error as Error)?.message ?? ''} ${(error as NodeJS.ErrnoException)?.code ?? ''}`;

export function isDiskFull(error: unknown): boolean {
  // Node's ENOSPC, and DuckDB's "No space left on device" (its own IO errors carry no code).
  return /ENOSPC|No space left on device|not enough space|disk is full/i.test(text(error));
}

export function isNotWritable(error: unknown): boolean {
  return /EACCES|EROFS|EPERM|Permission denied|read-only file system|Cannot open database .* in read-only mode|attempt to write a readonly/i.test(
    text(error)
  );
}

export function describeFault(error: unknown, reference: string): Fault {
  // By name: open.ts is for entry points only (README), and this module is read by the upload page too.
  if ((error as Error)?.name === 'DatabaseInUseError')
    return {
      kind: 'in-use',
      status: 503,
      message: 'The database is in use by another process, such as the uptake command run on the server.',
      action: 'Wait for that command to finish (or stop it), then reload this page.'
    };
  if (isDiskFull(error))
    return {
      kind: 'disk-full',
      status: 503,
      message: "The server's disk is full, so nothing could be saved.",
      action:
        'Nothing was changed. Ask your administrator to free disk space on the server (the database folder and data/raw), then try again.'
    };
  if (isNotWritable(error))
    return {
      kind: 'not-writable',
      status: 503,
      message: 'The server is not allowed to write to its database or its folder.',
      action:
        'Nothing was changed. Ask your administrator to make the database file and its folder writable for the server, then try again.'
    };
  return {
    kind: 'unexpected',
    status: 500,
    message: 'Something went wrong on the server.',
    action: `Try again in a minute. If it keeps happening, tell your administrator, quoting reference ${reference}: the server's log has the details under it.`
  };
}
