// Relevance ranking for `action list --intent`: token overlap weighted by where it hits
// (key > name > description), a few synonyms, and an exact key or name match first.
import type { Action } from './catalog.js';

const STOP = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'my',
  'me',
  'in',
  'on',
  'and',
  'or',
  'with',
  'from',
  'all',
  'i',
  'want',
  'please',
  'some',
  'by',
]);
const SYNONYMS: Record<string, string[]> = {
  text: ['sms'],
  sms: ['text', 'message'],
  call: ['phone'],
  phone: ['call'],
  calls: ['call'],
  meeting: ['video', 'bridge'],
  video: ['meeting'],
  chat: ['team', 'post'],
  post: ['chat'],
  team: ['chat'],
  contact: ['address'],
  person: ['contact', 'extension'],
  user: ['extension'],
  users: ['extension'],
  employee: ['extension'],
  voicemail: ['message'],
  fax: ['message'],
  remove: ['delete'],
  erase: ['delete'],
  add: ['create'],
  new: ['create'],
  show: ['list', 'get'],
  find: ['list', 'get'],
  read: ['get', 'list'],
  edit: ['update'],
  change: ['update'],
  history: ['log'],
};

function stem(t: string): string {
  if (t.length > 4 && t.endsWith('ies')) return t.slice(0, -3) + 'y';
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) return t.slice(0, -1);
  return t;
}

export function tokens(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t && !STOP.has(t))
    .map(stem);
}

export function rank(actions: Action[], intent: string): Action[] {
  const norm = intent.trim().toLowerCase();
  const want = new Map<string, number>();
  for (const t of tokens(intent)) {
    want.set(t, 1);
    for (const s of SYNONYMS[t] ?? []) if (!want.has(stem(s))) want.set(stem(s), 0.5);
  }
  const scored = actions.map((a, i) => {
    const key = new Set(tokens(a.key));
    const name = new Set(tokens(a.name));
    const desc = new Set(tokens(a.description));
    let score = 0;
    for (const [t, w] of want) score += w * (key.has(t) ? 3 : name.has(t) ? 2 : desc.has(t) ? 1 : 0);
    if (norm === a.key || norm === a.name.toLowerCase()) score += 1000;
    return { a, i, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((x, y) => y.score - x.score || x.i - y.i)
    .map((s) => s.a);
}
