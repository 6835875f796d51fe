/**
 * Whether `host` names this machine's loopback only: `localhost`, 127.0.0.0/8, `::1` (and the
 * IPv4-mapped `::ffff:127.x.x.x`). Anything else — `0.0.0.0`, `::`, a bridge gateway, a LAN
 * address, a host name — can be reached from outside this machine.
 */
export function isLoopbackHost(host: string): boolean {
  // Taken when needed: importing node:net at start-up loads the socket stack, and only a
  // `servedFile.host` setting needs this check.
  const { isIP } = process.getBuiltinModule('node:net');
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const mapped = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(mapped) === 4) return mapped.startsWith('127.');
  return isIP(h) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(h);
}
