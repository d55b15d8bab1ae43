import { createServer } from 'node:net';

/**
 * A free TCP port on loopback, for a server a test or benchmark starts (the dashboard, an OpenID provider).
 * Shared by tests/e2e, tests/access and bench/, which each used to carry a copy.
 */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}
