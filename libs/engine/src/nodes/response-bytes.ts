/**
 * Where an http node with responseType `binary` keeps its response bytes on its output: a symbol
 * key, so templates (own string keys only), JSON records and copies never see the bytes; a respond
 * node passes them through.
 */
export const RESPONSE_BYTES = Symbol('callflow.responseBytes');

export interface KeptResponse {
  bytes: Buffer;
  contentType: string;
}

/** Keeps `bytes` on `output` (not enumerable, not copied by spreads). */
export function keepBytes(output: object, kept: KeptResponse): void {
  Object.defineProperty(output, RESPONSE_BYTES, { value: kept, enumerable: false });
}
