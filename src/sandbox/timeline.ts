// Keeps the simulated account current: seeded activity is relative to the state's anchor, and
// each run moves it to "now", so a state made last week still has SMS, voicemail and calls in the
// last 24 hours. Records the user wrote (sent SMS, posts, teams) keep their own times.
import type { State } from './model.js';

export function rebase(s: State, now: number): void {
  const delta = now - Date.parse(s.anchor);
  if (!Number.isFinite(delta) || delta === 0) return;
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
  for (const h of s.history) h.startTime = shift(h.startTime);
  s.anchor = new Date(now).toISOString();
}
