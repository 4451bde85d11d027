/** RingCentral REST helpers: an extension's path, a query string, dates as RingCentral reads them. */
import type { DateWindow, ToolContext } from './contract.js';

/** RingCentral's path of an extension; `~` (the default) is the connected user. */
export const extensionPath = (extensionId: string | undefined): string =>
  `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId ?? '~')}`;

/** Query parameters as RingCentral takes them: a list repeats its key; absent values are left out. */
export function query(params: Record<string, string | number | boolean | readonly string[] | undefined>): Array<[string, string]> {
  return Object.entries(params).flatMap(([key, value]) =>
    value === undefined || value === ''
      ? []
      : Array.isArray(value)
        ? value.map((v): [string, string] => [key, String(v)])
        : [[key, String(value)] as [string, string]],
  );
}

const DATE_ONLY = /^\d{4}-\d\d-\d\d$/;

/** The offset of a time zone at an instant, in minutes east of UTC (Intl's own, no table of ours). */
function offsetMinutes(zone: string, at: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

const offsetText = (minutes: number): string => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** A date-only value as the date-time RingCentral asks for: the start (or end) of that day in `zone`. */
export function dayBoundary(date: string, zone: string, end: boolean): string {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, end ? 23 : 0, end ? 59 : 0, end ? 59 : 0);
  // The zone's offset at that wall time (checked once more across a DST change).
  let offset = offsetMinutes(zone, wall);
  offset = offsetMinutes(zone, wall - offset * 60_000);
  return `${date}T${end ? '23:59:59' : '00:00:00'}${offsetText(offset)}`;
}

/** The account's time zone when RingCentral has named it (learned with the REST base), else UTC. */
async function accountZone(ctx: ToolContext): Promise<{ zone: string; told: string }> {
  const named = (await ctx.region().catch(() => undefined))?.timeZone;
  try {
    if (named) {
      offsetMinutes(named, Date.now());
      return { zone: named, told: `${named} (the account's time zone)` };
    }
  } catch {
    // A zone name Intl does not know: UTC, and said so.
  }
  return { zone: 'UTC', told: "UTC (the account's time zone is not known)" };
}

/**
 * `dateFrom`/`dateTo` as RingCentral takes them (a date-time with a zone; a date-only value is that
 * day in the account's time zone) and the window they make: message-store and call-log read only
 * the last 24 hours when dateFrom is not given.
 */
export async function dateWindow(i: { dateFrom?: string; dateTo?: string }, ctx: ToolContext): Promise<DateWindow> {
  const dateOnly = [i.dateFrom, i.dateTo].some((d) => d !== undefined && DATE_ONLY.test(d));
  const zone = dateOnly ? await accountZone(ctx) : undefined;
  const full = (d: string | undefined, end: boolean) => (d && zone && DATE_ONLY.test(d) ? dayBoundary(d, zone.zone, end) : d);
  const dateFrom = full(i.dateFrom, false);
  const dateTo = full(i.dateTo, true);
  const window: DateWindow = {
    dateFrom,
    dateTo,
    from: dateFrom ?? `${dateTo ? '24 hours before dateTo' : 'the last 24 hours'} (RingCentral's default when dateFrom is not given)`,
    to: dateTo ?? 'now',
  };
  if (zone) window.timeZone = zone.told;
  if (!dateFrom) window.ifEmpty = 'nothing in this window: pass dateFrom (a date such as 2026-01-01) to look further back';
  return window;
}
