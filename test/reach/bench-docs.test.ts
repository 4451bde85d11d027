import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const latest = readFileSync('bench/latest.md', 'utf8');

function block(name: string): string {
  const start = `<!-- bench:${name}:start (written by npm run bench) -->`;
  const at = readme.indexOf(start);
  const end = readme.indexOf(`<!-- bench:${name}:end -->`);
  expect(at, `README has the ${name} markers`).toBeGreaterThan(-1);
  return readme.slice(at + start.length, end).trim();
}

function section(title: string): string {
  const parts = latest.split(/^## /m);
  const found = parts.find((part) => part.startsWith(`${title}\n`));
  expect(found, `bench/latest.md has ## ${title}`).toBeDefined();
  return found!.slice(title.length).trim();
}

describe('README figures are the last npm run bench', () => {
  it.each([
    ['performance', 'Performance'],
    ['tokens', 'Token economy'],
    ['tasks', 'Tasks'],
  ])('%s', (name, title) => {
    const figures = block(name);
    expect(figures).toMatch(/^Measured \d{4}-\d{2}-\d{2} /);
    expect(figures).toMatch(/^\| (figure \| ringcentral-mcp|task \| calls) \|/m);
    expect(figures).toBe(section(title));
  });
});
