// The Splunk client's pure parts against recorded bodies (copied verbatim from
// shared/reference/splunk/examples/) and the version rules of reference §3.
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { causeCodes, networkError, splunkText, statusError } from '../../electron/core/sources/splunk/errors';
import { normalizePage } from '../../electron/core/sources/splunk/results';
import { JobStatusBody, ResultsBody, ServerInfoBody } from '../../electron/core/sources/splunk/schemas';
import { chooseSearchApi } from '../../electron/core/sources/splunk/search-api';
import { dispatchForm, dispatchPath, pickSavedSearch, type SavedSearchInfo } from '../../electron/core/sources/splunk/saved-searches';

// examples/results-json-modern.json
const MODERN =
  '{"preview":false,"init_offset":0,"messages":[],"fields":[{"name":"_time"},{"name":"alertname","type":"str"},{"name":"clusterid","type":"str"},{"name":"group","type":"str"},{"name":"timestamp","type":"str"},{"name":"username","type":"str"}],"results":[{"_time":"2023-08-27T02:25:00.000+10:00","alertname":"TestAlert","clusterid":"testcluster","group":"testgroup","timestamp":"2023-08-27T02:25:01.GMT","username":"testuser"}], "highlighted":{}}';
// examples/results-json-splunk5.json
const SPLUNK5 =
  '{"preview":false,"init_offset":0,"messages":[{"type":"DEBUG","text":"base lispy: [ AND index::_internal ]"},{"type":"DEBUG","text":"search context: user=\\"admin\\", app=\\"search\\", bs-pathname=\\"/Users/fross/splunks/splunk-5.0/etc\\""}],"results":[{"sum(kb)":"14372242.758775","series":"twitter"},{"sum(kb)":"267802.333926","series":"splunkd"},{"sum(kb)":"5979.036338","series":"splunkd_access"}]}';
// examples/oneshot-results-json.json
const ONESHOT =
  '{"preview":false,"init_offset":0,"messages":[],"fields":[{"name":"log_message"}],"results":[{"log_message":"some log message"}], "highlighted":{}}';
// examples/entity-envelope-splunk8.json (shcluster captain info: the envelope, not server/info content)
const ENVELOPE =
  '{"links":{},"origin":"https://localhost:8089/services/shcluster/captain/info","updated":"2020-03-15T16:36:42+00:00","generator":{"build":"a7f645ddaf91","version":"8.0.2"},"entry":[{"name":"captain","id":"https://localhost:8089/services/shcluster/captain/info/captain","updated":"1970-01-01T00:00:00+00:00","links":{"alternate":"/services/shcluster/captain/info/captain","list":"/services/shcluster/captain/info/captain"},"author":"system","acl":{"app":"","can_list":true,"can_write":true,"modifiable":false,"owner":"system","perms":{"read":["admin","splunk-system-role"],"write":["admin","splunk-system-role"]},"removable":false,"sharing":"system"},"content":{"eai:acl":null,"elected_captain":1584139352,"id":"A9D5FCCF-EB93-4E0A-93E1-45B56483EA7A","initialized_flag":true,"label":"splunk-s2-search-head-0","maintenance_mode":false,"mgmt_uri":"https://splunk-s2-search-head-0.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089","min_peers_joined_flag":true,"peer_scheme_host_port":"https://splunk-s2-search-head-0.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089","rolling_restart_flag":false,"service_ready_flag":true,"start_time":1584139291}}],"paging":{"total":1,"perPage":30,"offset":0},"messages":[]}';
// examples/error-503-splunk8.json
const ERROR_503 =
  '{"messages":[{"type":"ERROR","text":"Failed to proxy call to member https://splunk-s2-search-head-0.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089. ERROR:  Server https://splunk-s2-search-head-3.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089 is not part of configuration, hence cannot be removed. Check configuration by making GET request onto /services/shcluster/member/consensus"}]}';

const page = (json: string) => normalizePage(ResultsBody.parse(JSON.parse(json)));

describe('v1 or v2 search API', () => {
  it.each([
    ['9.1.2', undefined, 'v2'],
    ['9.0.2', undefined, 'v2'],
    ['9.0.1', undefined, 'v1'],
    ['8.2.0', undefined, 'v1'],
    ['10.0.0', undefined, 'v2'],
    ['5.0', undefined, 'v1'],
    ['9.0.2208.4', 'cloud', 'v1'],
    ['9.0.2209', 'cloud', 'v2'],
    ['9.1.2308.203', 'cloud', 'v2'],
    ['9.2.1-beta', undefined, 'v2'],
    ['unknown', undefined, 'v1'],
  ] as const)('%s (%s) → %s', (version, instance, api) => {
    expect(chooseSearchApi(version, instance)).toBe(api);
  });
});

describe('results shapes', () => {
  it('modern: fields objects give the column order', () => {
    const p = page(MODERN);
    expect(p.fields).toEqual(['_time', 'alertname', 'clusterid', 'group', 'timestamp', 'username']);
    expect(p.rows[0]?.username).toBe('testuser');
    expect(p.preview).toBe(false);
  });

  it('Splunk 5: no fields, so columns come from the rows; DEBUG messages are dropped', () => {
    const p = page(SPLUNK5);
    expect(p.fields).toEqual(['sum(kb)', 'series']);
    expect(p.rows).toHaveLength(3);
    expect(p.messages).toEqual([]);
  });

  it('oneshot body and an empty set', () => {
    expect(page(ONESHOT).rows).toEqual([{ log_message: 'some log message' }]);
    expect(page('{"preview":false,"init_offset":0,"messages":[],"results":[]}')).toMatchObject({ fields: [], rows: [] });
  });

  it('keeps multivalue arrays, stringifies stray scalars, and a "__proto__" field pollutes nothing', () => {
    const p = page('{"results":[{"_si":["a","b"],"n":3,"__proto__":"x","gone":null}]}');
    const row = p.rows[0] ?? {};
    expect(row._si).toEqual(['a', 'b']);
    expect(row.n).toBe('3');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['_si', 'n']);
  });

  it('preview pages are flagged', () => {
    expect(page('{"preview":true,"results":[{"a":"1"}]}').preview).toBe(true);
  });
});

describe('envelopes', () => {
  it('reads generator.version from the recorded envelope', () => {
    const b = ServerInfoBody.parse(JSON.parse(ENVELOPE));
    expect(b.generator?.version).toBe('8.0.2');
  });

  it('job messages as an array or as a map by type; XML-era "1"/"0" flags', () => {
    const entry = (content: object) => JSON.stringify({ entry: [{ name: 'x', content }] });
    const a = JobStatusBody.parse(JSON.parse(entry({ dispatchState: 'FAILED', isFailed: true, messages: [{ type: 'FATAL', text: 'bad' }] })));
    const b = JobStatusBody.parse(JSON.parse(entry({ dispatchState: 'FAILED', isFailed: '1', resultCount: '12', messages: { error: ['bad'] } })));
    expect(a.entry[0]?.content.messages).toEqual([{ type: 'FATAL', text: 'bad' }]);
    expect(b.entry[0]?.content).toMatchObject({ isFailed: true, resultCount: 12, messages: [{ type: 'ERROR', text: 'bad' }] });
  });
});

describe('errors', () => {
  it('takes Splunk’s text from JSON or XML error bodies', () => {
    expect(splunkText(ERROR_503)).toMatch(/^Failed to proxy call to member/);
    expect(splunkText('<response><messages><msg type="ERROR">In handler: nope</msg></messages></response>')).toBe('In handler: nope');
    expect(splunkText('<html>bad gateway</html>')).toBeUndefined();
  });

  it('maps statuses to stable codes', () => {
    expect(statusError(401, 'call not properly authenticated', 'x').message).toBe('The Splunk token was rejected (expired or revoked?)');
    expect(statusError(403, undefined, 'x').code).toBe('SOURCE_FORBIDDEN');
    expect(statusError(404, 'Could not find object id=a', 'x').code).toBe('SOURCE_NOT_FOUND');
    expect(statusError(400, 'Unable to parse', 'x')).toMatchObject({ code: 'SOURCE_BAD_REQUEST', message: 'Unable to parse' });
    expect(statusError(429, undefined, 'x').code).toBe('SOURCE_RATE_LIMITED');
    expect(statusError(502, undefined, 'x').code).toBe('SOURCE_UNAVAILABLE');
  });

  it('finds TLS causes however deep undici nests them', () => {
    const nested = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })]),
    });
    expect(causeCodes(nested)).toEqual(['SELF_SIGNED_CERT_IN_CHAIN']);
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const e = networkError(new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) }), 'h:8089');
      expect(e).toBeInstanceOf(VigilError);
      expect(e.code).toBe('SOURCE_TLS');
    }
    expect(networkError(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }), 'h').code).toBe('SOURCE_UNREACHABLE');
  });
});

describe('saved-search addressing', () => {
  const base: SavedSearchInfo = {
    name: 'Auth history',
    owner: 'admin',
    app: 'search',
    sharing: 'app',
    search: 'search user="$user$"',
    description: undefined,
    disabled: false,
    earliest: undefined,
    latest: undefined,
  };

  it('shared → nobody, private → owner, system → nobody/system', () => {
    expect(dispatchPath(base)).toBe('/servicesNS/nobody/search/saved/searches/Auth%20history/dispatch');
    expect(dispatchPath({ ...base, sharing: 'user' })).toBe('/servicesNS/admin/search/saved/searches/Auth%20history/dispatch');
    expect(dispatchPath({ ...base, sharing: 'system' })).toBe('/servicesNS/nobody/system/saved/searches/Auth%20history/dispatch');
  });

  it('an ambiguous or disabled name is refused, the app disambiguates', () => {
    const twice = [base, { ...base, app: 'security' }];
    expect(() => pickSavedSearch(twice, 'Auth history')).toThrow(/several places/);
    expect(pickSavedSearch(twice, 'Auth history', 'security').app).toBe('security');
    expect(() => pickSavedSearch([{ ...base, disabled: true }], 'Auth history')).toThrow(/disabled/);
  });

  it('arg values from signals cannot break out of the SPL', () => {
    expect(dispatchForm(base, { args: { user: 'CORP\\alice', src_ip: '2001:db8::1' } })).toMatchObject({
      'args.user': 'CORP\\alice',
      'args.src_ip': '2001:db8::1',
    });
    for (const bad of ['a"b', 'a | delete', 'a`m`', 'x[search]', 'a\nb', 'trailing\\']) {
      expect(() => dispatchForm(base, { args: { user: bad } })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    expect(() => dispatchForm(base, { args: { 'bad name': 'x' } })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
