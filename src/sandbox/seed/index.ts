// Builds a fresh account. Loaded lazily (dynamic import) only when a state file is created.
import { STATE_VERSION, type State } from '../model.js';
import { SeedCtx } from './context.js';
import { profileFor } from './profile.js';
import { people, seedAccount, seedContacts, seedExtensions, seedPhoneNumbers } from './directory.js';
import { seedComms } from './comms.js';
import { seedCollab } from './collab.js';

/** A fresh account: the default one, or the tenant's own. */
export function buildSeed(anchor: number, tenant?: string): State {
  const ctx = new SeedCtx(anchor, profileFor(tenant));
  const persons = people(ctx, 18 + 64);
  const extensions = seedExtensions(ctx, persons.slice(0, 18));
  const contacts = seedContacts(ctx, persons.slice(18));
  const phoneNumbers = seedPhoneNumbers(ctx);
  const comms = seedComms(ctx, extensions[0], contacts, extensions, phoneNumbers);
  const collab = seedCollab(ctx, extensions);
  return {
    v: STATE_VERSION,
    anchor: new Date(anchor).toISOString(),
    accountId: ctx.accountId,
    extId: ctx.extId,
    next: {
      contact: contacts[contacts.length - 1].id + 1_000_000,
      message: comms.nextMessage,
      post: collab.nextPost,
      chat: collab.nextChat,
      bridge: 1,
    },
    account: seedAccount(ctx),
    extensions,
    phoneNumbers,
    contacts,
    messages: comms.messages,
    calls: comms.calls,
    active: comms.active,
    chats: collab.chats,
    posts: collab.posts,
    bridges: collab.bridges,
    history: collab.history,
  };
}
