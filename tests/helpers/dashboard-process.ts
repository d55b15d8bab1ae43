/**
 * Running the built dashboard (`node build`) as a child process for tests: spawn it on a port with the environment the
 * caller gives, keep what it prints for failure messages, wait until it answers, and stop it (then remove the test's
 * folder). Shared by tests/e2e/server.ts and tests/access/helpers/server.ts, which differ only in what they load
 * into the warehouse first and in the environment (demo mode or not).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface DashboardProcess {
  url: string;
  /** Everything the server printed. */
  output(): string;
  stop(): Promise<void>;
}

export function requireBuild(forWhat: string): void {
  if (!existsSync(join(ROOT, 'build/index.js')))
    throw new Error(`No build/ found: run \`npm run build\` before ${forWhat}.`);
}

/** Any HTTP answer means the server is listening (/sign-in answers with or without demo mode, signed in or not). */
async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The dashboard exited with code ${child.exitCode}:\n${output()}`);
    try {
      await fetch(`${url}/sign-in`, { redirect: 'manual' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`The dashboard did not answer within 60 s:\n${output()}`);
}

/** Starts `node build` on 127.0.0.1:`port` with `env` added; `folder` is removed when it stops. */
export async function startDashboardProcess(options: {
  port: number;
  dbPath: string;
  folder: string;
  env: Record<string, string | undefined>;
}): Promise<DashboardProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    UPTAKE_DB: options.dbPath,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    ORIGIN: url,
    ...options.env
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  let log = '';
  const child = spawn(process.execPath, ['build'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(options.folder, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => log, stop };
}
