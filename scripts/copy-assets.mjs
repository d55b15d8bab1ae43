// nhsuk-frontend's CSS cannot go through Vite 8's lightningcss minifier (an old `@media screen\0` IE hack breaks it,
// docs/toolchain.md, gotcha 1), so the prebuilt CSS and its assets are copied to static/ and linked from the layout.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const from = 'node_modules/nhsuk-frontend/dist/nhsuk';
mkdirSync('static', { recursive: true });
// The CSS loads the Frutiger web fonts from https://assets.nhs.uk. Uptake must work offline and send no request
// outside the server it runs on (the browser tests fail on each blocked font request), so those @font-face rules are
// dropped and text falls back to the design system's own fallback, Arial.
const css = readFileSync(`${from}/nhsuk-frontend.min.css`, 'utf8').replace(
  /@font-face\{[^}]*https:\/\/assets\.nhs\.uk[^}]*\}/g,
  ''
);
writeFileSync('static/nhsuk-frontend.min.css', css);
cpSync(`${from}/assets`, 'static/assets', { recursive: true });
