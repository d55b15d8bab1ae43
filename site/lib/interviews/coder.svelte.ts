/**
 * The coder's name in the browser: typed once, remembered in localStorage, and added to every enhanced form post as
 * `coder` (the server prefers the signed-in user when there is one: site/lib/server/interviews.ts).
 */
import type { SubmitFunction } from '@sveltejs/kit';

const KEY = 'uptake.coder';

export const coder = $state({ name: '' });

export function rememberedCoder(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return ''; // storage switched off: the field still works for this page
  }
}

export function rememberCoder(name: string): void {
  coder.name = name;
  try {
    localStorage.setItem(KEY, name.trim());
  } catch {
    // nothing to do: the name is still sent with this page's forms
  }
}

/** For use:enhance: sends the remembered name with a form that has no coder field of its own. */
export const withCoder: SubmitFunction = ({ formData }) => {
  if (!formData.get('coder') && coder.name.trim()) formData.set('coder', coder.name.trim());
};
