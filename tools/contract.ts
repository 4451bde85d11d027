/**
 * The tool contract: what a tool is, as data, and what it may ask while it runs. Everything else
 * (annotations, read-only mode, toolsets, confirmation, the README table, snapshot tests) is
 * derived from these definitions. Types only, apart from `TOOLSETS` and `defineTool`.
 */
import type { z } from 'zod';
import type { JsonObject } from '../src/json.js';

export type { JsonObject } from '../src/json.js';

/** An action of the connection's catalog: id, key, name, description, input schema. */
export interface ActionInfo {
  id: string;
  key?: string;
  name?: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
}

export type ToolKind = 'read' | 'write' | 'destructive';
export const TOOLSETS = ['account', 'messaging', 'contacts', 'calls', 'chats', 'meetings', 'api', 'discovery'] as const;
export type Toolset = (typeof TOOLSETS)[number];
export type Shape = z.ZodRawShape;
export type Input<S extends Shape> = z.infer<z.ZodObject<S>>;

/** A call's limits, which every CLI run it makes keeps: its cancellation and its timeout. */
export interface CallLimits {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** RingCentral's rate-limit groups (a 429 in one does not block the others). */
export type RateGroup = 'Light' | 'Medium' | 'Heavy';

/** One RingCentral REST call exactly as RingCentral's API defines it; a repeated query key is repeated. */
export interface RestCall {
  method: string;
  path: string;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: unknown;
  /** The body exactly as the caller wrote it (the proxy), sent instead of `body` re-serialized. */
  bodyText?: string;
  /** The caller wrote the path (the proxy): an error does not blame the base for it. */
  byCaller?: boolean;
}

/** How a RingCentral list pages: page numbers, page tokens, or RingCentral Video's page tokens. */
export type Paging = 'page' | 'token' | 'video';

/** The way one call goes: the connector's Membrane action, or RingCentral's REST API through `membrane request`. */
export type Route = 'action' | 'rest';

/** How tools reach RingCentral: `auto` (the action when its live schema takes the call, else REST), `action` or `rest`. */
export type RouteMode = 'auto' | 'action' | 'rest';

/** A tool's route as `ringcentral_status` tells it: `per call` when it depends on what the call sends. */
export interface RouteLine {
  tool: string;
  route: Route | 'per call';
  reason: string;
}

/** What the registry and the route mode say about routes, as a tool sees it. */
export interface RouteBook {
  readonly mode: RouteMode;
  /** The typed write tool that runs an action (run_action sends callers there, to its checks). */
  writeToolOf(key: string): string | undefined;
  /** Every RingCentral tool's route and why, for `ringcentral_status` and `doctor`. */
  report(limits: CallLimits): Promise<RouteLine[]>;
}

/** Look-ups several calls need, loaded once per key at a time and kept for a while. */
export interface Lookups {
  get<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Promise<T>;
  delete(key: string): void;
}

/** How many pages `readAll` reads, of what size. */
export interface Pages {
  pageSize: number;
  maxPages: number;
}

/** The account's regional settings, learned with the connection's REST base (when RingCentral told them). */
export interface AccountRegion {
  timeZone?: string;
  /** The user's home country (ISO code), for numbers written without one. */
  country?: string;
}

/** What a tool sees while it runs: it reads through these, never through the engine itself. */
export interface ToolContext {
  /** Which route (Membrane action or RingCentral REST) each tool takes on this connection. */
  routes: RouteBook;
  limits: CallLimits;
  cache: Lookups;
  /** The connection's action catalog, by key. */
  actions(): Promise<Map<string, ActionInfo>>;
  /** Membrane's own search of the catalog for an intent, best first. */
  findActions(intent: string, limit: number): Promise<ActionInfo[]>;
  region(): Promise<AccountRegion>;
  /** Whether the CLI, the login, the connection and the routes work, and the fix for each problem. */
  status(): Promise<JsonObject>;
  /** One record through a read tool's route (previews, look-ups). */
  read<S extends Shape>(tool: ToolDefinition<S>, input: Input<S>): Promise<JsonObject>;
  /** Every record of a list tool through its route, page by page. */
  readAll<S extends Shape>(tool: ToolDefinition<S>, input: Input<S>, pages: Pages): Promise<JsonObject[]>;
  /** RingCentral's REST answer as it came (a look-up such as the account's settings), in its rate-limit group. */
  rest(group: RateGroup, call: RestCall): Promise<unknown>;
  /** The records of a RingCentral REST list read (the SMS-sender list), in its rate-limit group. */
  restList(group: RateGroup, call: RestCall): Promise<JsonObject[]>;
  /** Text content (a voicemail transcription) in its rate-limit group: the body as it came. */
  restText(group: RateGroup, call: RestCall): Promise<string>;
  /** This context with its CLI runs on another signal: a shared load's own (see Lookups). */
  withSignal(signal: AbortSignal): ToolContext;
}

export interface RestRoute<I> {
  /** The endpoint's rate-limit group: both routes reach the same endpoint, so both count in it. */
  group: RateGroup;
  call: (input: I, ctx: ToolContext) => RestCall | Promise<RestCall>;
}

export interface ActionRoute<I> {
  key: string;
  /**
   * Every property the action input can carry, as paths (`from.phoneNumber`, `to[].phoneNumber`).
   * Membrane drops properties its schema does not declare without an error, so `--route auto`
   * takes the action only when its live schema declares all of these.
   */
  sends: readonly string[];
  input: (input: I, ctx: ToolContext) => JsonObject | Promise<JsonObject>;
  /**
   * What the action gets when the call names nothing else (`extensionId: "~"`), only when its live
   * schema declares it: an action that does not declare a default takes the call without it.
   */
  defaults?: JsonObject;
}

/** How a tool reaches RingCentral (`via`: the ways it has; one call takes one `route`, action or rest): exactly one of these, so nothing is optional at run time. */
export type Exec<I> =
  /** A Membrane action and its RingCentral REST equivalent; the route is chosen per connection. */
  | { via: 'either'; action: ActionRoute<I>; rest: RestRoute<I> }
  /**
   * RingCentral's REST API only, and why no action is used; `unusedAction` names the Membrane action
   * that does the same job, which run_action refuses (the tool's checks would be skipped).
   */
  | { via: 'rest'; rest: RestRoute<I>; why: string; unusedAction?: string }
  /** Any Membrane action, named by the input (no REST equivalent is known). */
  | { via: 'action'; key: (input: I) => string; input: (input: I, ctx: ToolContext) => JsonObject | Promise<JsonObject> }
  /** A REST call given by the caller; its body is returned as it came. */
  | { via: 'request'; call: (input: I) => RestCall }
  /** Neither one action nor one request: returns the structured result itself. */
  | { via: 'custom'; run: (input: I, ctx: ToolContext) => Promise<JsonObject> };

/** What a date filter of RingCentral's reads, told in a list's result. */
export interface DateWindow {
  dateFrom?: string;
  dateTo?: string;
  from: string;
  to: string;
  /** The zone a date-only value was read in, and why that one. */
  timeZone?: string;
  /** What to do when the window holds nothing. */
  ifEmpty?: string;
}

export interface ListSpec<I = JsonObject> {
  paging: Paging;
  /** The fields a person needs; `view: "full"` returns the record unchanged. */
  compact: (record: JsonObject) => JsonObject;
  maxLimit?: number;
  /** What the page's records lack for a person (names behind member ids), looked up once per page. */
  enrich?: (records: JsonObject[], ctx: ToolContext, input?: I) => Promise<JsonObject[]>;
  /** A list RingCentral limits to a default date window: the window this call reads, told in the result. */
  window?: (input: I, ctx: ToolContext) => Promise<DateWindow>;
  /** A smaller page for calls whose records each cost a look-up: the most records, and why (told when it cut the page short). */
  pageBound?: (input: I) => { max: number; why: string } | undefined;
  /** More top-level fields of the result (the personal meeting room, on the first page); they share the budget. */
  extras?: (input: I, ctx: ToolContext, firstPage: boolean) => Promise<JsonObject>;
  /** The record's top-level fields (and what enrich adds): a `fields` entry outside them is refused, naming them. */
  fields?: readonly string[];
}

export interface ToolDefinition<S extends Shape = Shape> {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  kind: ToolKind;
  input: S;
  exec: Exec<Input<S>>;
  /** Paged, compact list result (adds limit, cursor, view, fields). */
  list?: ListSpec<Input<S>>;
  /** Checks across fields that a schema cannot express; returns the problem, naming the field. */
  validate?: (input: Input<S>) => string | undefined;
  /** What a read's record lacks that an assistant needs, fetched after the call (a voicemail's transcription). */
  complete?: (record: JsonObject, ctx: ToolContext) => Promise<JsonObject>;
  /** A RingCentral 404 (CMN-102) in the tool's words: the field the caller used, the tool that lists those ids. */
  notFound?: (input: Input<S>) => { message: string; fix: string };
  /** Custom output schema; list, record and write tools share standard ones. */
  output?: z.ZodObject;
  /** What exactly a write will do, fetched if needed, for confirmation and dry run. */
  preview?: (input: Input<S>, ctx: ToolContext) => Promise<JsonObject>;
  /** Only some calls of this tool need confirmation (the proxy: non-GET). Default: destructive. */
  needsConfirmation?: (input: Input<S>) => boolean;
  /** Key of an SMS-style write that must not run twice within the dedupe window. */
  idempotencyKey?: (input: Input<S>, ctx: ToolContext) => Promise<string>;
  /**
   * A write that reads its record first (read-merge-write): calls with the same key run their read
   * and write one at a time in this process, so one cannot put back what another just changed.
   */
  exclusiveKey?: (input: Input<S>) => string | undefined;
  /** Look-up cache entries (see Lookups) a successful call makes stale. */
  invalidates?: string[];
  /** The form this tool takes in read-only mode; absent means it is hidden there. */
  readOnlyForm?: () => AnyTool;
}

/**
 * Any tool, whatever its input: what the registry and the server hold. Only here is the input
 * type widened; each entry keeps its own through every callback (`defineTool`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry's one widening, as a list of differently typed tools needs
export type AnyTool = ToolDefinition<any>;

/** A tool entry, its input type kept through to every callback. */
export const defineTool = <S extends Shape>(definition: ToolDefinition<S>): ToolDefinition<S> => definition;
