/**
 * A string as it can be shown in a one-line message: control characters
 * (NUL, newline, escape…) written as `\xNN`, so a hostile argument can
 * neither break the line nor drive the terminal.
 */
export function printable(text: string): string {
  return Array.from(text, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }).join('');
}
