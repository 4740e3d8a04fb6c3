/** Small facts about addresses, shared by the rooms that listen (web, embedded broker). */

/** Whether a listen address only reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}
