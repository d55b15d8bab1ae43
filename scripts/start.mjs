// `npm start`'s last step: serve the built dashboard on localhost over the embedded DuckDB file, in demo mode.
// The demo programme has been loaded by the step before (`uptake load data/demo`, a no-op when already loaded).
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const env = {
  ...process.env,
  PORT: port,
  HOST: process.env.HOST ?? '127.0.0.1',
  UPTAKE_DB: process.env.UPTAKE_DB ?? 'data/uptake.duckdb',
  UPTAKE_DEMO: process.env.UPTAKE_DEMO ?? '1',
  // adapter-node refuses request bodies over 512 KB by default; the upload page's own limit (UPTAKE_MAX_UPLOAD_MB, 100
  // MB) then applies.
  BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? '101M'
};
console.log(`Uptake: the dashboard is at http://localhost:${port}/ (database ${env.UPTAKE_DB}). Stop it with Ctrl+C.`);
const server = spawn(process.execPath, ['build'], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
