// A hand-written argv parser with minimist's syntax (`--flag value`, `--flag=value`, flags anywhere,
// repeatable flags) but strict about unknown flags and missing values, so mistakes surface as exit 2.
import { UsageError } from './errors.js';

const BOOLEAN = new Set(['json', 'wait', 'rawData', 'help', 'version', 'tenant', 'details']);
const VALUED = new Set([
  'connectionId',
  'connectionKey',
  'intent',
  'limit',
  'cursor',
  'input',
  'timeout',
  'elementType',
  'connectorId',
  'connectorKey',
  'search',
  'workspaceKey',
  'tenantKey',
  'query',
  'pathParam',
  'method',
  'header',
  'data',
  'apiUri',
]);
const SHORT: Record<string, string> = { X: 'method', H: 'header', d: 'data', h: 'help', V: 'version' };

export interface Args {
  positionals: string[];
  /** Every value given for a valued flag, in order (repeatable flags keep all). */
  values: Map<string, string[]>;
  bools: Set<string>;
  /** Flags given, by canonical name, to check them against what a command accepts. */
  given: Set<string>;
  unknown: string[];
}

const looksLikeFlag = (s: string) => s.length > 1 && s.startsWith('-') && !/^-\d/.test(s);

export function parseArgs(argv: string[]): Args {
  const a: Args = { positionals: [], values: new Map(), bools: new Set(), given: new Set(), unknown: [] };
  const put = (name: string, v: string) => {
    a.given.add(name);
    const list = a.values.get(name) ?? [];
    list.push(v);
    a.values.set(name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (tok === '--') {
      a.positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (tok.startsWith('--') && tok.length > 2) {
      const eq = tok.indexOf('=');
      name = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
      inline = eq === -1 ? undefined : tok.slice(eq + 1);
    } else if (looksLikeFlag(tok)) {
      const full = SHORT[tok[1]];
      if (!full) {
        a.unknown.push(tok);
        continue;
      }
      name = full;
      // curl style `-XPOST`
      if (tok.length > 2) inline = tok[2] === '=' ? tok.slice(3) : tok.slice(2);
    } else {
      a.positionals.push(tok);
      continue;
    }
    if (BOOLEAN.has(name)) {
      if (inline === undefined || inline === 'true') a.bools.add(name);
      else if (inline !== 'false') throw new UsageError(`option --${name} takes no value (got "${inline}")`);
      a.given.add(name);
    } else if (VALUED.has(name)) {
      if (inline === undefined) {
        const next = argv[i + 1];
        if (next === undefined || looksLikeFlag(next)) throw new UsageError(`option --${name} needs a value`);
        inline = next;
        i++;
      }
      put(name, inline);
    } else {
      a.unknown.push(`--${name}`);
    }
  }
  return a;
}

/** Last value of a valued flag (non-repeatable flags: last one wins, as in minimist). */
export function flag(a: Args, name: string): string | undefined {
  const v = a.values.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function flags(a: Args, name: string): string[] {
  return a.values.get(name) ?? [];
}

const GLOBAL = ['json', 'help', 'version', 'workspaceKey', 'tenantKey', 'apiUri'];

/** Rejects unknown flags and flags that the command does not take. */
export function allowOnly(a: Args, command: string, allowed: string[], usage: string): void {
  const ok = new Set([...GLOBAL, ...allowed]);
  const bad = [...a.unknown, ...[...a.given].filter((g) => !ok.has(g)).map((g) => `--${g}`)];
  if (bad.length) {
    const kebab = bad[0].match(/^--([a-z]+)-([a-z])([a-z]*)$/);
    const hint = kebab ? ` (did you mean --${kebab[1]}${kebab[2].toUpperCase()}${kebab[3]}?)` : '';
    throw new UsageError(`unknown option ${bad[0]} for "${command}"${hint}`, usage);
  }
}
