/** Formats a byte count for people: `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One progress line: bytes each way and the average rate since `startMs`. */
export function progressLine(sent: number, received: number, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const rate = (sent + received) / seconds;
  return `→ ${formatBytes(sent)}  ← ${formatBytes(received)}  ${formatBytes(Math.round(rate))}/s  ${seconds.toFixed(1)} s`;
}
