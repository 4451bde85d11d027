// The two kinds of failure the CLI reports: usage mistakes (exit 2) and Membrane API errors (exit 1).

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export interface MembraneErrorBody {
  type: string;
  key: string;
  message: string;
  data?: unknown;
  actionRunId?: string;
}

export class MembraneError extends Error {
  constructor(
    readonly type: string,
    readonly key: string,
    message: string,
    readonly data?: unknown,
    readonly actionRunId?: string,
  ) {
    super(message);
  }
  toJSON(): MembraneErrorBody {
    const b: MembraneErrorBody = { type: this.type, key: this.key, message: this.message };
    if (this.data !== undefined) b.data = this.data;
    if (this.actionRunId) b.actionRunId = this.actionRunId;
    return b;
  }
}

export const notFound = (message: string, data?: unknown) => new MembraneError('bad_request', 'not_found', message, data);
