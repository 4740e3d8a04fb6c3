/** Network rules: DNS, refused connections, timeouts, TLS, and the apps' own "cannot reach X" lines. */
import type { RuleDefinition } from './types.ts';

export const NETWORK_RULES: readonly RuleDefinition[] = [
  {
    id: 'network.dns',
    strength: 'weak',
    // EAGAIN from getaddrinfo is how .NET reports a DNS server that does not answer (FORMATS.md §5).
    text: /Name or service not known|Could(?: not|n't) resolve host|No such host is known|Temporary failure in name resolution|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Resource temporarily unavailable/i,
    category: 'network',
    severity: 'medium',
    title: '{app} cannot resolve host names (DNS)',
  },
  {
    id: 'network.tls',
    strength: 'weak',
    text: /SSL connection could not be established|remote certificate is invalid|certificate verify failed|CERTIFICATE_VERIFY_FAILED|SSLError|TLS handshake (?:failed|timeout)|self[- ]signed certificate|certificate has expired/i,
    category: 'network',
    severity: 'high',
    title: '{app} cannot establish a TLS connection (certificate or protocol)',
  },
  {
    id: 'network.refused',
    strength: 'weak',
    text: /Connection refused|actively refused|ECONNREFUSED|No connection could be made/i,
    category: 'network',
    severity: 'medium',
    title: '{app}: connection refused',
  },
  {
    id: 'network.timeout',
    strength: 'weak',
    text: /timed out|TaskCanceledException|A task was canceled|ETIMEDOUT|GatewayTimeout|Timeout(?:Exception| expired| exceeded)/i,
    category: 'network',
    severity: 'medium',
    title: '{app}: network requests time out',
  },
  {
    id: 'network.plex-tv-unreachable',
    apps: ['plex'],
    // 401/403 are refused credentials (auth.unauthorized), not an unreachable plex.tv.
    message: /^MyPlex: Error (?!40[13]\b)-?\d+ requesting/,
    category: 'network',
    severity: 'medium',
    title: 'Plex cannot reach plex.tv',
  },
  {
    id: 'network.tautulli-websocket',
    apps: ['tautulli'],
    message: /Websocket :: Unable to open connection/i,
    category: 'network',
    severity: 'medium',
    title: 'Tautulli cannot connect to the Plex websocket',
  },
  {
    id: 'network.usenet-timeout',
    apps: ['sabnzbd'],
    // SABnzbd logs news-server trouble at INFO in some versions (no issue then: INFO never makes one).
    message: /^Thread \d+@([\w.-]+): Timed out/,
    category: 'network',
    severity: 'low',
    title: 'Usenet server {1}: connections time out',
  },
];
