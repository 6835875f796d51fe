/**
 * CRC-32C (Castagnoli) for the test server's `dataCrc32c`. Kept separate from the provider's
 * copy on purpose: the server is an independent implementation the provider is checked against.
 */
export function crc32cOf(data: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
