// The REST client: every call goes to controld's public API (openapi.yaml) with the bearer
// token of this tab. Types come from openapi.yaml (api-types.gen.ts, made at build time).
import type { components } from './api-types.gen';

export type Schemas = components['schemas'];
export type Domain = Schemas['Domain'];
export type DomainState = Schemas['DomainState'];
export type DomainCreate = Schemas['DomainCreate'];
export type DomainPatch = Schemas['DomainPatch'];
export type DomainPage = Schemas['DomainPage'];
export type Job = Schemas['Job'];
export type Host = Schemas['Host'];
export type PciDevice = Schemas['PciDevice'];
export type Token = Schemas['Token'];
export type Scope = Schemas['Scope'];
export type Problem = Schemas['Problem'];
export type Image = Schemas['Image'];
export type DomainStats = Schemas['DomainStats'];
export type Action = 'start' | 'pause' | 'unpause' | 'shutdown' | 'reboot' | 'destroy';

/** An error the API answered (problem+json), or controld not answering at all. */
export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly unreachable = false,
  ) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  }
}

export interface Reply<T> {
  status: number;
  data: T;
  etag: string | null;
}

type Listener = (reachable: boolean) => void;
const reachListeners = new Set<Listener>();

/** Tells listeners whether controld answered the last request (the banner follows it). */
export function onReachability(fn: Listener): () => void {
  reachListeners.add(fn);
  return () => reachListeners.delete(fn);
}

export function setReachable(ok: boolean): void {
  for (const fn of reachListeners) fn(ok);
}

const refusedListeners = new Set<() => void>();

/** Called when controld refuses this tab's token (revoked or expired): time to sign in again. */
export function onTokenRefused(fn: () => void): () => void {
  refusedListeners.add(fn);
  return () => refusedListeners.delete(fn);
}

const TOKEN_KEY = 'keel.token';

/** The token lives in this tab's sessionStorage only: never in a URL, gone with the tab. */
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(t: string | null) {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** The answer's problem+json, or a plain one made from its status. */
export function asProblem(status: number, body: unknown): Problem {
  const b = body as Partial<Problem> | null;
  if (b && typeof b === 'object' && typeof b.title === 'string') {
    return { type: b.type ?? 'about:blank', title: b.title, status, detail: b.detail, field: b.field };
  }
  return { type: 'about:blank', title: `HTTP ${status}`, status };
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const token = opts.token ?? session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] ??= 'application/json';
  let resp: Response;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
    });
  } catch {
    setReachable(false);
    throw new ApiError(
      { type: 'about:blank', title: 'controld unreachable', status: 0, detail: 'no answer from the Keel control daemon' },
      true,
    );
  }
  setReachable(true);
  const text = await resp.text();
  let data: unknown = null;
  if (text && (resp.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  } else {
    data = text;
  }
  if (resp.status === 401 && !opts.token && session.token) for (const fn of refusedListeners) fn();
  if (!resp.ok) throw new ApiError(asProblem(resp.status, data));
  return { status: resp.status, data: data as T, etag: resp.headers.get('ETag') };
}

/** Every page of the domain list (limit 500 each, following next_cursor). */
export async function listAllDomains(): Promise<Domain[]> {
  const all: Domain[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: Reply<DomainPage> = await request<DomainPage>('GET', `/v1/domains?limit=500${q}`);
    all.push(...page.data.items);
    cursor = page.data.next_cursor ?? null;
  } while (cursor);
  return all;
}

const SCOPE_RANK: Record<Scope, number> = { read: 0, operate: 1, admin: 2 };

export function allows(have: Scope, need: Scope): boolean {
  return SCOPE_RANK[have] >= SCOPE_RANK[need];
}

/**
 * Finds the token's scope through the public API alone: /v1/tokens answers admins only; the
 * console of a domain that cannot exist answers 404 to operate tokens and 403 to read ones
 * (scope is checked before the domain is looked up).
 */
export async function probeScope(token: string): Promise<Scope> {
  await request('GET', '/v1/host', { token }); // 401 for a bad token
  try {
    await request('GET', '/v1/tokens', { token });
    return 'admin';
  } catch (e) {
    if (!(e instanceof ApiError) || e.problem.status !== 403) throw e;
  }
  try {
    await request('GET', '/v1/domains/-/console', { token });
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 403) return 'read';
    if (!(e instanceof ApiError) || e.problem.status !== 404) throw e;
  }
  return 'operate';
}

let keyCounter = 0;
/** An Idempotency-Key for one user action, so a retried POST is not applied twice. */
export function idempotencyKey(): string {
  keyCounter += 1;
  return `ui-${Date.now().toString(36)}-${keyCounter}-${Math.random().toString(36).slice(2, 10)}`;
}
