// Placeholder: replaced by the Flow → Duplex adapter (toNodeDuplex).
export function toNodeDuplex(): never {
  throw new Error('toNodeDuplex is not implemented yet');
}
