import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { renderCaseList } from './support/case-list.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- cases:start (generated from src by test/readme.test.ts; UPDATE_README=1 rewrites it) -->';
const END = '<!-- cases:end -->';

it('the README case list is the one generated from the source', () => {
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  expect(from, 'README has the cases:start marker').toBeGreaterThanOrEqual(0);
  expect(to, 'README has the cases:end marker').toBeGreaterThan(from);
  const current = text.slice(from + START.length, to).trim();
  const generated = renderCaseList();
  if (process.env.UPDATE_README === '1' && current !== generated) {
    writeFileSync(readme, `${text.slice(0, from + START.length)}\n\n${generated}\n\n${text.slice(to)}`);
    return;
  }
  expect(current).toBe(generated);
});
