// Datadog site normalisation: whatever a person pastes becomes a canonical site, or a clear error.
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { apiBaseUrl, DATADOG_SITES, normalizeDatadogSite, uiBaseUrl } from '../../electron/core/sources/datadog/site';
import { createDatadogClient } from '../../electron/core/sources/datadog';

describe('normalizeDatadogSite', () => {
  it.each([
    ['datadoghq.com', 'datadoghq.com'],
    ['datadoghq.eu', 'datadoghq.eu'],
    ['us3.datadoghq.com', 'us3.datadoghq.com'],
    ['us5.datadoghq.com', 'us5.datadoghq.com'],
    ['ap1.datadoghq.com', 'ap1.datadoghq.com'],
    ['ap2.datadoghq.com', 'ap2.datadoghq.com'],
    ['uk1.datadoghq.com', 'uk1.datadoghq.com'],
    ['ddog-gov.com', 'ddog-gov.com'],
    ['us2.ddog-gov.com', 'us2.ddog-gov.com'],
    ['https://app.datadoghq.com/', 'datadoghq.com'],
    ['https://app.datadoghq.com/security/siem/signals?query=foo#x', 'datadoghq.com'],
    ['app.datadoghq.eu', 'datadoghq.eu'],
    ['api.us3.datadoghq.com', 'us3.datadoghq.com'],
    ['https://api.datadoghq.com/api/v1/validate', 'datadoghq.com'],
    ['US3.DATADOGHQ.COM', 'us3.datadoghq.com'],
    ['  us5.datadoghq.com.  ', 'us5.datadoghq.com'],
    ['https://us3.datadoghq.com:443', 'us3.datadoghq.com'],
    ['app.ddog-gov.com', 'ddog-gov.com'],
    ['EU1', 'datadoghq.eu'],
    ['us1', 'datadoghq.com'],
    ['US1-FED', 'ddog-gov.com'],
  ])('%s → %s', (input, site) => {
    expect(normalizeDatadogSite(input)).toBe(site);
  });

  it.each(['datadoghq.co', 'app.datadog.com', 'us4.datadoghq.com', 'example.com', 'datadoghq.com.evil.test', 'http://localhost:8080'])(
    'rejects %s with VALIDATION_FAILED listing the valid sites',
    (input) => {
      try {
        normalizeDatadogSite(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(VigilError);
        expect((e as VigilError).code).toBe('VALIDATION_FAILED');
        for (const s of DATADOG_SITES) expect((e as VigilError).message).toContain(s);
      }
    },
  );

  it('does not echo something that looks like a pasted key', () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(() => normalizeDatadogSite(key)).toThrow(VigilError);
    try {
      normalizeDatadogSite(key);
    } catch (e) {
      expect((e as VigilError).message).not.toContain(key);
    }
    expect(() => normalizeDatadogSite('   ')).toThrow(/Enter your Datadog site/);
  });

  it('derives API and UI hosts', () => {
    expect(apiBaseUrl('datadoghq.eu')).toBe('https://api.datadoghq.eu');
    expect(apiBaseUrl('us3.datadoghq.com')).toBe('https://api.us3.datadoghq.com');
    expect(uiBaseUrl('datadoghq.com')).toBe('https://app.datadoghq.com');
    expect(uiBaseUrl('us5.datadoghq.com')).toBe('https://us5.datadoghq.com');
  });
});

describe('client configuration', () => {
  it('uses https://api.<site> unless a base URL is given, which wins', () => {
    expect(createDatadogClient({ site: 'app.datadoghq.eu', apiKey: 'k'.repeat(32), appKey: '' }).baseUrl).toBe('https://api.datadoghq.eu');
    const c = createDatadogClient({ site: 'datadoghq.eu', baseUrl: 'http://127.0.0.1:1234/', apiKey: 'k'.repeat(32), appKey: '' });
    expect(c.baseUrl).toBe('http://127.0.0.1:1234');
    expect(c.site).toBe('datadoghq.eu');
  });

  it('needs a site and an API key (SOURCE_NOT_CONFIGURED), and rejects broken keys without echoing them', () => {
    expect(() => createDatadogClient({ apiKey: 'k'.repeat(32), appKey: '' })).toThrow(expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED' }));
    expect(() => createDatadogClient({ site: 'datadoghq.com', apiKey: '  ', appKey: '' })).toThrow(expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED' }));
    const pasted = 'abc def\nsecret-part';
    try {
      createDatadogClient({ site: 'datadoghq.com', apiKey: pasted, appKey: '' });
      expect.unreachable();
    } catch (e) {
      expect((e as VigilError).code).toBe('VALIDATION_FAILED');
      expect((e as VigilError).message).not.toContain('secret-part');
    }
  });
});
