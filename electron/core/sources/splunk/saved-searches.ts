// Saved searches: find one among everything the token's user can see (`-/-`), then address it in
// its own namespace, because Splunk answers 404 for an object requested from another app/owner
// context (reference §1, §7).
import { VigilError } from '../../../../shared/errors';
import type { z } from 'zod';
import type { SavedSearchListBody } from './schemas';

export interface SavedSearchInfo {
  name: string;
  /** acl.owner: who created it. */
  owner: string;
  /** acl.app: the app it lives in. */
  app: string;
  /** acl.sharing: user | app | global | system. */
  sharing: string | undefined;
  /** The SPL, possibly with $token$ placeholders that `args.*` fill in. */
  search: string;
  description: string | undefined;
  disabled: boolean;
  /** The saved search's own time range, used when a dispatch does not override it. */
  earliest: string | undefined;
  latest: string | undefined;
}

export interface DispatchOptions {
  /** dispatch.earliest_time; the workbench looks back 30 days by default. */
  earliest?: string;
  /** dispatch.latest_time. */
  latest?: string;
  /** args.<name>: values for the saved search's $name$ tokens. */
  args?: Record<string, string>;
}

export function toSavedSearchInfo(entry: z.output<typeof SavedSearchListBody>['entry'][number]): SavedSearchInfo {
  return {
    name: entry.name,
    owner: entry.acl.owner,
    app: entry.acl.app,
    sharing: entry.acl.sharing,
    search: entry.content.search,
    description: entry.content.description,
    disabled: entry.content.disabled ?? false,
    earliest: entry.content['dispatch.earliest_time'],
    latest: entry.content['dispatch.latest_time'],
  };
}

export function notFound(name: string, app?: string): VigilError {
  const where = app ? ` in app "${app}"` : '';
  return new VigilError(
    'SOURCE_NOT_FOUND',
    `Saved search "${name}"${where} was not found or is not shared with this token's user`,
  );
}

/** The exact entry named `name` (Splunk's list filter is a loose match), optionally in `app`. */
export function pickSavedSearch(all: readonly SavedSearchInfo[], name: string, app?: string): SavedSearchInfo {
  const named = all.filter((s) => s.name === name && (app === undefined || s.app === app));
  const [first, ...rest] = named;
  if (!first) throw notFound(name, app);
  if (rest.length) {
    // Guessing would run a different SPL than the analyst meant; make them say which one.
    const where = named.map((s) => `${s.app} (owner ${s.owner})`).join(', ');
    throw new VigilError('SOURCE_BAD_REQUEST', `Saved search "${name}" exists in several places: ${where}; choose the app`);
  }
  if (first.disabled) {
    throw new VigilError('SOURCE_BAD_REQUEST', `Saved search "${name}" is disabled in app "${first.app}"`);
  }
  return first;
}

/**
 * Where to dispatch: shared objects (app/global) belong to `nobody`, system ones to nobody/system,
 * private ones to their owner — the same rule splunk-sdk applies to an entity's ACL.
 */
export function dispatchPath(s: SavedSearchInfo): string {
  const shared = s.sharing === 'app' || s.sharing === 'global' || s.sharing === 'system';
  const owner = shared ? 'nobody' : s.owner;
  const app = s.sharing === 'system' ? 'system' : s.app;
  return `/servicesNS/${enc(owner)}/${enc(app)}/saved/searches/${enc(s.name)}/dispatch`;
}

const ARG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
/**
 * Characters that let a value escape a quoted "$token$" in SPL or start a new command. Values come
 * from security signals, i.e. often from the attacker (a user name in a failed login), so a value
 * that could rewrite the search is refused rather than passed on.
 */
const UNSAFE_VALUE = /["|`[\]\p{Cc}]|\\$/u;

export function dispatchForm(s: SavedSearchInfo, opts: DispatchOptions): Record<string, string> {
  const form: Record<string, string> = {
    'dispatch.earliest_time': checkTime(opts.earliest ?? '-30d', 'earliest'),
    'dispatch.latest_time': checkTime(opts.latest ?? 'now', 'latest'),
    // Running a saved search from the workbench must never fire its alert actions (email, webhooks).
    trigger_actions: '0',
  };
  for (const [k, v] of Object.entries(opts.args ?? {})) {
    if (!ARG_NAME.test(k)) throw new VigilError('VALIDATION_FAILED', `"${k}" is not a valid saved-search argument name`);
    if (typeof v !== 'string' || UNSAFE_VALUE.test(v)) {
      throw new VigilError(
        'VALIDATION_FAILED',
        `The value of argument "${k}" for saved search "${s.name}" contains characters that could alter its SPL (quotes, |, [, ], backquote, control characters or a trailing backslash)`,
      );
    }
    form[`args.${k}`] = v;
  }
  return form;
}

function checkTime(v: string, which: string): string {
  const t = v.trim();
  if (!t || /\p{Cc}/u.test(t)) throw new VigilError('VALIDATION_FAILED', `The ${which} time "${v}" is not a Splunk time`);
  return t;
}

export const enc = encodeURIComponent;
