import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// The SvelteKit app lives in site/ (DESIGN.md "Shape"); the engine in pipeline/ is imported through $pipeline.
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter(),
    alias: { $pipeline: 'pipeline' },
    files: {
      routes: 'site/routes',
      lib: 'site/lib',
      appTemplate: 'site/app.html',
      hooks: { server: 'site/hooks.server', client: 'site/hooks.client', universal: 'site/hooks' },
      params: 'site/params',
      serviceWorker: 'site/service-worker',
      errorTemplate: 'site/error.html',
      assets: 'static'
    }
  }
};
