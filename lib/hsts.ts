import type { RequestHandler } from 'express';

const ONE_YEAR_SECONDS = 365 * 86400;

/**
 * Strict-Transport-Security only on answers that went out over https (`req.secure`, which
 * follows the app's `trust proxy` for X-Forwarded-Proto): browsers ignore it over plain http,
 * and sending it there claims a policy the deployment may not have. Subdomains only on request.
 */
export function strictTransportSecurity(opts: { includeSubDomains: boolean }): RequestHandler {
  const value = `max-age=${ONE_YEAR_SECONDS}${opts.includeSubDomains ? '; includeSubDomains' : ''}`;
  return (req, res, next) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', value);
    else res.removeHeader('Strict-Transport-Security');
    next();
  };
}

/** Express `trust proxy` from its text form: true/false, a hop count, or addresses and names (loopback, 10.0.0.0/8...). */
export function trustProxyValue(text: string): boolean | number | string {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}
