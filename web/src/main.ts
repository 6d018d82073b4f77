import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';

// uPlot formats numbers with Intl in the browser's language; a language tag Intl rejects (e.g.
// "en-US@posix" from a POSIX locale) would stop the page, so fall back to en-US for it.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { get: () => 'en-US', configurable: true });
}
const { default: App } = await import('./App.svelte');
mount(App, { target: document.getElementById('app')! });
