// JSON text with exact big integers: RingCentral sends int64 ids (conversationId, and under the
// big-ids variant every message and contact id) as bare numbers beyond 2^53. Such values are
// held as bigint and written digit for digit, which JSON.stringify cannot do.
const MARK = '\u0000bigint:';
const MARKED = /"\\u0000bigint:(-?\d+)"/g;

export function stringify(value: unknown, indent?: number): string {
  let sawBig = false;
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      sawBig = true;
      return MARK + v.toString();
    },
    indent,
  );
  // The marker starts with NUL, which JSON escapes as \u0000: user text cannot produce it unescaped.
  return sawBig ? text.replace(MARKED, '$1') : text;
}
