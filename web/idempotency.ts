import { createHash, randomUUID } from 'node:crypto';
import { html, type HtmlValue } from './html';

/**
 * Every form that creates or decides something carries an Idempotency-Key (a hidden field made
 * when the form is rendered, kept when it is shown again with errors), and the web app sends it
 * to the API: a form submitted twice (double click, back and resubmit, a retry after an error
 * page) makes one proposal, one request, one decision.
 */
export const IDEMPOTENCY_FIELD = 'idempotencyKey';
const KEY = /^[A-Za-z0-9-]{8,80}$/;

/** The hidden field of a new form (or of a form shown again, with the key it had). */
export function idempotencyField(key: string = randomUUID()): HtmlValue {
  return html`<input type="hidden" name="${IDEMPOTENCY_FIELD}" value="${key}">`;
}

/**
 * The key of a submitted form: its hidden field, or, when a client posted the form without one,
 * a key derived from the user, the action and the fields, so an identical resubmission is still
 * recognised as one.
 */
export function formIdempotencyKey(userId: string, action: string, body: Record<string, unknown>): string {
  const given = body[IDEMPOTENCY_FIELD];
  if (typeof given === 'string' && KEY.test(given)) return given;
  const fields = Object.keys(body)
    .filter((k) => k !== '_csrf' && k !== IDEMPOTENCY_FIELD)
    .sort()
    .map((k) => [k, body[k]]);
  return `derived-${createHash('sha256')
    .update(JSON.stringify([userId, action, fields]))
    .digest('hex')
    .slice(0, 48)}`;
}

/** The header the API reads, with the web app's prefix (keys of other clients cannot collide). */
export function idempotencyHeader(key: string): Record<string, string> {
  return { 'Idempotency-Key': `web-${key}` };
}
