/**
 * Two concurrent update_contact calls that change different address parts of one contact, over a
 * real MCP client on the sandbox: both changes survive. RingCentral's PATCH replaces the address
 * whole, so each call reads it and merges its part; interleaved, the second write would put back
 * what the first changed. A call refused as `conflict` would be safe too (nothing lost silently).
 */
import { afterEach, expect, it } from 'vitest';
import { startServer, type Harness } from '../helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ADDRESS = { street: '1 Main St', city: 'Oslo', zip: '0150', country: 'NO' };

it('two concurrent address updates of one contact: both parts changed (or one refused as conflict), never one silently lost', async () => {
  h = await startServer({ args: ['--confirm', 'off', '--max-concurrency', '4'] });
  const harness = h;
  const created = await h.call('ringcentral_create_contact', { firstName: 'Race', lastName: 'Twice', businessAddress: ADDRESS });
  expect(created.structuredContent?.status, h.text(created)).toBe('done');
  const contactId = String(created.structuredContent.result.id);

  for (let round = 0; round < 3; round++) {
    const city = `Bergen ${round}`;
    const street = `${round} New St`;
    const before = (await harness.call('ringcentral_get_contact', { contactId })).structuredContent.record.businessAddress;
    const [byCity, byStreet] = await Promise.all([
      harness.call('ringcentral_update_contact', { contactId, businessAddress: { city } }),
      harness.call('ringcentral_update_contact', { contactId, businessAddress: { street } }),
    ]);
    const after = (await harness.call('ringcentral_get_contact', { contactId })).structuredContent.record.businessAddress;
    for (const [result, field, wanted] of [
      [byCity, 'city', city],
      [byStreet, 'street', street],
    ] as const) {
      if (result.isError) {
        // Refused: said as a conflict with its fix, and the part left as it was.
        expect(harness.text(result), `round ${round}`).toMatch(
          /^conflict: contact \d+: its businessAddress changed .*\nFix: read the contact again/,
        );
        expect(after[field], `round ${round}: ${field}`).toBe(before[field]);
      } else {
        expect(result.structuredContent.status, `round ${round}`).toBe('done');
        expect(after[field], `round ${round}: ${field} was changed and must stay changed`).toBe(wanted);
      }
    }
    expect({ zip: after.zip, country: after.country }).toEqual({ zip: ADDRESS.zip, country: ADDRESS.country });
  }
});
