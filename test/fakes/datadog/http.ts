// Request/answer plumbing shared by the fake's route files.
import type { FakePermission } from './state';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** parsed JSON body, undefined when empty, the raw string when not JSON */
  body: unknown;
  apiKey: string | undefined;
  appKey: string | undefined;
  /** ms since epoch, from the fake's clock */
  now: number;
  /** the fake's own base URL, for links */
  baseUrl: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_TYPE = 'application/json';
export const JSONAPI_TYPE = 'application/vnd.api+json';

export function json(status: number, value: unknown, contentType = JSON_TYPE, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(value) };
}

/** Family 1 (README §1): {"errors": ["…"]}. */
export function legacyError(status: number, ...messages: string[]): Reply {
  return json(status, { errors: messages });
}

/** Family 2: {"errors": [{status?, title?, detail?, code?}]}. */
export function jsonApiError(status: number, errors: Record<string, unknown>[], contentType = JSONAPI_TYPE): Reply {
  return json(status, { errors }, contentType);
}

export const FORBIDDEN = (): Reply => legacyError(403, 'Forbidden');

/** v2 auth as README §8 describes it: both keys must be right, then the permission must be granted. */
export function checkV2Auth(
  req: FakeRequest,
  keys: { apiKey: string; appKey: string; wrongSite: Set<string>; denied: Set<FakePermission> },
  permission: FakePermission,
): Reply | null {
  if (!req.apiKey || req.apiKey !== keys.apiKey || keys.wrongSite.has(req.apiKey)) return FORBIDDEN();
  if (!req.appKey || req.appKey !== keys.appKey) return FORBIDDEN();
  if (keys.denied.has(permission)) return FORBIDDEN();
  return null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
