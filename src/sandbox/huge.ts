// The `huge` fault: tens of MB of valid JSON, generated and written in chunks.
const RECORDS = 100_000;
const PER_CHUNK = 500;
const FILLER = 'x'.repeat(220);

function* records(): Iterable<string> {
  for (let i = 0; i < RECORDS; i += PER_CHUNK) {
    let s = '';
    for (let j = i; j < Math.min(RECORDS, i + PER_CHUNK); j++) {
      s += `${j ? ',' : ''}{"id":${30_000_000_000 + j},"type":"SMS","direction":"Inbound","messageStatus":"Received","creationTime":"2026-01-01T00:00:00.000Z","subject":"${FILLER}"}`;
    }
    yield s;
  }
}

const paging = `"paging":{"page":1,"totalPages":1,"perPage":${RECORDS},"totalElements":${RECORDS},"pageStart":0,"pageEnd":${RECORDS - 1}}`;

export function* hugeBody(): Iterable<string> {
  yield '{"records":[';
  yield* records();
  yield `],${paging}}\n`;
}

export function* hugeAction(runId: string, unwrapped: boolean): Iterable<string> {
  if (unwrapped) return yield* hugeBody();
  yield '{"output":{"records":[';
  yield* records();
  yield `],${paging}},"actionRunId":"${runId}"}\n`;
}
