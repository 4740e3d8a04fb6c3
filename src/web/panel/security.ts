/**
 * Security headers of every panel response. The CSP allows no inline script or style (every script and stylesheet is
 * a file Arrgus serves; charts are SVG attributes), and framing only by the same origin behind Home Assistant ingress
 * (the HA frontend and the ingress URL share an origin), by nobody otherwise.
 */
export function securityHeaders(ingress: boolean): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${ingress ? "'self'" : "'none'"}`,
    ].join('; '),
    'x-content-type-options': 'nosniff',
    // Ingress URLs carry a session token in their path: never send them to another site.
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    ...(ingress ? {} : { 'x-frame-options': 'DENY' }),
  };
}
