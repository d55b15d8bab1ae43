// nhsuk-frontend's CSS cannot go through Vite 8's lightningcss minifier (an old `@media screen\0` IE hack breaks it,
// TOOLCHAIN.md gotcha 1), so the prebuilt CSS and its assets are copied to static/ and linked from the layout.
import { cpSync, mkdirSync } from 'node:fs';
const from = 'node_modules/nhsuk-frontend/dist/nhsuk';
mkdirSync('static', { recursive: true });
cpSync(`${from}/nhsuk-frontend.min.css`, 'static/nhsuk-frontend.min.css');
cpSync(`${from}/assets`, 'static/assets', { recursive: true });
