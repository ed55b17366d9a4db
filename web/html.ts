/**
 * HTML building with escaping by default: every value interpolated into `html\`...\`` is
 * escaped unless it is itself the result of `html` (or `raw`, for trusted constant markup).
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Trusted markup (constants only: never user or API data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** `attr(name, value)`: an attribute only when value is truthy (true renders a bare attribute). */
export function attr(name: string, value: string | number | boolean | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === false || value === '') return raw('');
  if (value === true) return raw(` ${name}`);
  return raw(` ${name}="${escapeHtml(String(value))}"`);
}
