/**
 * Text that leaves rollcell for a terminal, a log or a file a person reads: control characters made
 * visible (no terminal escape sequence in a recipe name or a key can retitle a window, clear the screen,
 * write the clipboard or reorder text) and credentials redacted (a database URL's password, `password=`
 * style parameters). Pure functions; the edges (CLI, server) apply them to everything they print.
 */

/**
 * C0 controls except tab and newline, DEL, C1 controls, and the Unicode format characters that reorder
 * or hide text (bidirectional overrides and isolates, zero-width joiners, the BOM, line/paragraph
 * separators).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const hex = (c: string, w: number): string => c.charCodeAt(0).toString(16).padStart(w, '0');

/** `s` with every control/format character written as a visible escape (`\x1b`, `\u202e`). */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x0d) return '\\r';
    return code <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

/**
 * JSON text with the same characters escaped as JSON escapes (`\u001b`, `\u202e`): still valid JSON
 * that parses to the same value, but harmless on a terminal. (JSON.stringify already escapes C0; this
 * adds DEL, C1 and the Unicode format characters.)
 */
export function escapeJsonControls(json: string): string {
  return json.replace(CONTROL, (c) => `\\u${hex(c, 4)}`);
}

/** True when `s` holds a character escapeControls would rewrite. */
export function hasControls(s: string): boolean {
  CONTROL.lastIndex = 0;
  const r = CONTROL.test(s);
  CONTROL.lastIndex = 0;
  return r;
}

/** Query / key=value names whose values are secrets. */
const SECRET_KEYS = /\b(password|passwd|pwd|sslpassword|sslkey|secret|token|api[_-]?key|access[_-]?key)=([^&\s'"]+)/gi;

/**
 * `s` with credentials replaced by `***`: the password of any `scheme://user:password@host` URL
 * (also when the user part is empty), and the values of `password=…`, `token=…` and similar parameters.
 */
export function redactSecrets(s: string): string {
  return s
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):[^\s@/'"]*@/gi, '$1:***@')
    .replace(SECRET_KEYS, (_m, k: string) => `${k}=***`);
}

/** What the CLI prints: secrets redacted, controls escaped. */
export function safeText(s: string): string {
  return escapeControls(redactSecrets(s));
}
