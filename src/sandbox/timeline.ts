// Keeps the simulated account current: seeded activity is relative to the state's anchor, and
// each run moves it to "now", so a state made last week still has SMS, voicemail and calls in the
// last 24 hours. Records the user wrote (sent SMS, posts, teams) keep their own times.
import type { State } from './model.js';

/**
 * Whole hours, so two reads a moment apart see the same times (a real account's records do not
 * move); the newest seeded activity is then at most an hour behind now.
 */
const STEP_MS = 3_600_000;

export function rebase(s: State, now: number): void {
  const elapsed = now - Date.parse(s.anchor);
  if (!Number.isFinite(elapsed)) return;
  const delta = Math.floor(elapsed / STEP_MS) * STEP_MS;
  if (delta === 0) return;
  const shift = (t: string) => new Date(Date.parse(t) + delta).toISOString();
  for (const m of s.messages) {
    if (m._sent) continue;
    m.creationTime = shift(m.creationTime);
    if (!m._userModified) m.lastModifiedTime = shift(m.lastModifiedTime);
    if (m.smsDeliveryTime) m.smsDeliveryTime = shift(m.smsDeliveryTime);
  }
  for (const c of s.calls) c.startTime = shift(c.startTime);
  for (const e of s.extensions) if (e.creationTime) e.creationTime = shift(e.creationTime);
  for (const c of s.chats) {
    if (c._user) continue;
    c.creationTime = shift(c.creationTime);
    if (!c._userModified) c.lastModifiedTime = shift(c.lastModifiedTime);
  }
  for (const p of s.posts) {
    if (p._user) continue;
    p.creationTime = shift(p.creationTime);
    p.lastModifiedTime = shift(p.lastModifiedTime);
  }
  for (const h of s.history) {
    h.startTime = shift(h.startTime);
    // A recording's startTime is epoch milliseconds.
    for (const r of h.recordings ?? []) if (typeof r.startTime === 'number') r.startTime += delta;
  }
  s.anchor = new Date(Date.parse(s.anchor) + delta).toISOString();
}
