// Datadog sites ("DD_SITE") and the hosts derived from them (reference README §1).
// People paste whatever their browser shows — `https://app.datadoghq.eu/…`, `us3.datadoghq.com`,
// an `api.` host — so everything funnels through normalizeDatadogSite before it reaches a URL.
import { VigilError } from '../../../../shared/errors';

export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;
export type DatadogSite = (typeof DATADOG_SITES)[number];

/**
 * Region labels for messages. US1…AP2 and US1-FED are the labels Datadog's docs use; UK1 and US2-FED
 * are not in the reference and are inferred from the host, so they are shown but not accepted as input.
 */
const SITE_LABELS: Record<DatadogSite, string> = {
  'datadoghq.com': 'US1',
  'us3.datadoghq.com': 'US3',
  'us5.datadoghq.com': 'US5',
  'datadoghq.eu': 'EU1',
  'ap1.datadoghq.com': 'AP1',
  'ap2.datadoghq.com': 'AP2',
  'uk1.datadoghq.com': 'UK1',
  'ddog-gov.com': 'US1-FED',
  'us2.ddog-gov.com': 'US2-FED',
};

const BY_LABEL = new Map<string, DatadogSite>([
  ['us1', 'datadoghq.com'],
  ['us3', 'us3.datadoghq.com'],
  ['us5', 'us5.datadoghq.com'],
  ['eu1', 'datadoghq.eu'],
  ['eu', 'datadoghq.eu'],
  ['ap1', 'ap1.datadoghq.com'],
  ['ap2', 'ap2.datadoghq.com'],
  ['us1-fed', 'ddog-gov.com'],
]);

function isDatadogSite(s: string): s is DatadogSite {
  return (DATADOG_SITES as readonly string[]).includes(s);
}

/**
 * Canonical site for anything a person may paste: a site, a UI or API host, a full URL, a region label.
 * Throws VALIDATION_FAILED listing the valid sites otherwise.
 */
export function normalizeDatadogSite(input: string): DatadogSite {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (!raw) throw new VigilError('VALIDATION_FAILED', `Enter your Datadog site. ${validSitesSentence()}`);

  let host = raw.toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''); // scheme
  host = host.replace(/[/?#].*$/, ''); // path, query, fragment
  host = host.replace(/^[^@]*@/, ''); // userinfo, should someone paste one
  host = host.replace(/:\d+$/, ''); // port
  host = host.replace(/\.+$/, ''); // a fully-qualified trailing dot

  const byLabel = BY_LABEL.get(host);
  if (byLabel) return byLabel;
  if (isDatadogSite(host)) return host;
  // The UI lives on `app.<site>` for US1/EU1/US1-FED and the API on `api.<site>` everywhere.
  const stripped = host.replace(/^(?:app|api)\./, '');
  if (isDatadogSite(stripped)) return stripped;

  throw new VigilError('VALIDATION_FAILED', `${describeInput(raw)} is not a Datadog site. ${validSitesSentence()}`);
}

/** `https://api.<site>` — the base every `/api/v1/…` and `/api/v2/…` path is appended to. */
export function apiBaseUrl(site: DatadogSite): string {
  return `https://api.${site}`;
}

/**
 * Where a person opens Datadog in the browser, e.g. to follow a case or signal link.
 * README §1 lists `app.` for US1/EU1/US1-FED and the bare site for US3/US5/AP1/AP2; UK1 and US2-FED
 * are not in that table, and the bare site is an inference for them.
 */
export function uiBaseUrl(site: DatadogSite): string {
  const appPrefixed: readonly DatadogSite[] = ['datadoghq.com', 'datadoghq.eu', 'ddog-gov.com'];
  return appPrefixed.includes(site) ? `https://app.${site}` : `https://${site}`;
}

export function siteLabel(site: DatadogSite): string {
  return SITE_LABELS[site];
}

function validSitesSentence(): string {
  return `Use one of: ${DATADOG_SITES.map((s) => `${s} (${SITE_LABELS[s]})`).join(', ')}.`;
}

/**
 * Echo the input only when it looks like a host name: a key pasted into the wrong field must not end
 * up in an error message, a log line or a bug report.
 */
function describeInput(raw: string): string {
  const looksLikeHost = raw.length <= 120 && /^[\w.:/@-]+$/.test(raw) && raw.includes('.');
  return looksLikeHost ? `"${raw}"` : 'That value';
}
