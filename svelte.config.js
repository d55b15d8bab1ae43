import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// The SvelteKit app lives in site/ and reads only through the engine in pipeline/, imported as $pipeline
// (docs/architecture.md).
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter(),
    alias: { $pipeline: 'pipeline' },
    // Content security policy, so an injected script cannot run: SvelteKit adds a nonce (or a hash, for prerendered
    // pages) to its own inline scripts in 'auto' mode, so nothing else may run. Inline styles stay allowed: Observable
    // Plot's SVG carries a <style> element and style attributes. csrf.checkOrigin stays at its default (true); the hook
    // extends it to every content type (pipeline/access/README.md).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none']
      }
    },
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
