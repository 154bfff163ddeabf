// The bundle's printable report: one self-contained HTML file (inline CSS, no script, no remote
// resource) that an auditor opens in any browser or prints. Per finding: the brief, the technique,
// the evidence table with each file's sha256, the sign-offs, the history. Every value is escaped:
// signal text and Splunk rows are attacker-influenced and must never become markup.
import type { FindingFile } from './bundle-format';

export interface ReportInput {
  workspaceName: string;
  exportedAt: string;
  exportedBy: { handle: string; key_id: string };
  reason: string;
  tool: { name: string; version: string };
  auditHead: { seq: number; hash: string };
  contentDigest: string;
  findings: readonly FindingFile[];
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(v: unknown): string {
  const s = v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}
function clip(v: unknown, n = 240): string {
  const s = v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  return esc(s.length > n ? s.slice(0, n - 1) + '…' : s);
}

const CSS = `body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px;border-bottom:2px solid #333;padding-bottom:2px}h3{font-size:13px;margin:12px 0 4px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eee}code{font:11px ui-monospace,monospace;word-break:break-all}.meta td:first-child{width:190px;font-weight:600}
section.finding{break-inside:auto;page-break-before:always}section.finding:first-of-type{page-break-before:auto}
footer{margin-top:32px;border-top:1px solid #333;padding-top:6px;font-size:11px}pre{white-space:pre-wrap;margin:0}`;

function briefOf(f: FindingFile): Record<string, unknown> | null {
  for (let i = f.drafts.length - 1; i >= 0; i--) {
    const d = f.drafts[i]!;
    if (d['error'] === null && d['output'] && typeof d['output'] === 'object') return d['output'] as Record<string, unknown>;
  }
  return null;
}

function findingSection(f: FindingFile): string {
  const x = f.finding;
  const brief = briefOf(f);
  const out: string[] = [];
  out.push(`<section class="finding" id="${esc(f.finding_id)}"><h2>${esc(f.finding_id)} · ${esc(x['title'])}</h2>`);
  out.push('<table class="meta">');
  const row = (k: string, v: unknown) => out.push(`<tr><td>${esc(k)}</td><td>${clip(v, 2000)}</td></tr>`);
  row('Status / severity / priority', `${String(x['status'])} · ${String(x['severity'])} · ${String(x['priority'])}`);
  const named = brief && typeof brief['technique'] === 'object' && brief['technique'] !== null ? (brief['technique'] as { id?: unknown; name?: unknown }) : null;
  const techniqueName = named && named.id === x['mitre_technique'] && typeof named.name === 'string' ? ` ${named.name}` : '';
  row('ATT&CK technique', x['mitre_technique'] ? `${String(x['mitre_technique'])}${techniqueName}${x['mitre_tactic'] ? ` · ${String(x['mitre_tactic'])}` : ''}` : null);
  row('Secondary techniques', Array.isArray(x['secondary_techniques']) && x['secondary_techniques'].length ? (x['secondary_techniques'] as string[]).join(', ') : null);
  row('Blast radius', x['blast_radius']);
  row('Recommended action', x['recommended_action']);
  row('Risk score', x['risk_score']);
  row('Datadog signal', `${f.signal.dd_signal_id} (${f.signal.revisions.length} revision${f.signal.revisions.length === 1 ? '' : 's'})`);
  row('Splunk search', x['splunk_search']);
  row('Drafted by', x['drafted_by']);
  row('Decision revision', x['decision_revision']);
  out.push('</table>');
  if (brief) {
    const ra = brief['recommended_action'] as { kind?: string; text?: string } | undefined;
    const br = brief['blast_radius'] as { summary?: string } | undefined;
    const claims = Array.isArray(brief['claims']) ? (brief['claims'] as { text?: string; status?: string }[]) : [];
    out.push('<h3>Brief</h3><table class="meta">');
    row('Proposed action', ra ? `${ra.kind ?? ''}: ${ra.text ?? ''}` : null);
    row('Blast radius', br?.summary ?? null);
    row('Confidence', brief['confidence']);
    out.push('</table>');
    if (claims.length) out.push(`<ul>${claims.slice(0, 30).map((c) => `<li>${clip(c.text, 500)}${c.status ? ` <em>(${esc(c.status)})</em>` : ''}</li>`).join('')}</ul>`);
  }
  const mp = x['mitigation_plan'];
  if (mp) out.push(`<h3>Mitigation plan</h3><pre>${clip(mp, 4000)}</pre>`);

  out.push('<h3>Evidence</h3>');
  if (f.evidence.length === 0) out.push('<p>None.</p>');
  else {
    out.push('<table><tr><th>Id</th><th>Kind</th><th>Title</th><th>Details</th><th>Collected</th><th>File · sha256</th></tr>');
    for (const e of f.evidence) {
      const m = (e.meta && typeof e.meta === 'object' && !Array.isArray(e.meta) ? e.meta : {}) as Record<string, unknown>;
      const details = e.kind === 'splunk_results' ? `SPL: ${String(m['spl'] ?? m['search'] ?? '—')} · sid ${String(m['sid'] ?? '—')} · ${String(m['result_count'] ?? m['count'] ?? '?')} rows` : '';
      out.push(
        `<tr><td>E${e.id}</td><td>${esc(e.kind)}</td><td>${clip(e.title)}</td><td>${clip(details, 600)}</td><td>${esc(e.created_by)}<br>${esc(e.created_at)}</td><td><code>${esc(e.path)}</code><br><code>${esc(e.sha256)}</code></td></tr>`,
      );
    }
    out.push('</table>');
  }

  out.push('<h3>Sign-off</h3>');
  if (f.signoffs.length === 0) out.push('<p>Not signed.</p>');
  else {
    out.push('<table><tr><th>Analyst</th><th>Key</th><th>Signed at</th><th>Revision</th><th>Signature sha256</th></tr>');
    for (const s of f.signoffs) {
      out.push(`<tr><td>${esc(s.analyst)}</td><td><code>${esc(s.record.key_id)}</code></td><td>${esc(s.signed_at)}</td><td>${esc(s.revision)}</td><td><code>${esc(s.signature_sha256)}</code></td></tr>`);
    }
    out.push('</table>');
  }
  if (f.approvals.length > 0) out.push(`<p>${f.approvals.length} second-key approval${f.approvals.length === 1 ? '' : 's'} (signed records in ${esc(`findings/${f.finding_id}.json`)}).</p>`);

  out.push('<h3>History</h3>');
  return out.join('');
}

export function renderReport(r: ReportInput, history: (fid: string) => readonly { seq: number; at: string; actor: string; action: string; field: string | null; old_value: string | null; new_value: string | null; reason: string | null }[]): string {
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="vigil-content-digest" content="${r.contentDigest}">` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
      `<title>Vigil evidence bundle · ${esc(r.workspaceName)} · ${esc(r.exportedAt)}</title><style>${CSS}</style></head><body>`,
  );
  parts.push(`<h1>Evidence bundle · ${esc(r.workspaceName)}</h1>`);
  parts.push('<table class="meta">');
  parts.push(`<tr><td>Exported</td><td>${esc(r.exportedAt)} by ${esc(r.exportedBy.handle)} (<code>${esc(r.exportedBy.key_id)}</code>)</td></tr>`);
  parts.push(`<tr><td>Reason</td><td>${clip(r.reason, 2000)}</td></tr>`);
  parts.push(`<tr><td>Tool</td><td>${esc(r.tool.name)} ${esc(r.tool.version)}</td></tr>`);
  parts.push(`<tr><td>Findings</td><td>${r.findings.length}</td></tr>`);
  parts.push(`<tr><td>Audit chain head</td><td>entry ${r.auditHead.seq} · <code>${esc(r.auditHead.hash)}</code></td></tr>`);
  parts.push('</table>');
  for (const f of r.findings) {
    parts.push(findingSection(f));
    const h = history(f.finding_id);
    if (h.length === 0) parts.push('<p>No entries.</p>');
    else {
      parts.push('<table><tr><th>#</th><th>At</th><th>Actor</th><th>Action</th><th>Field</th><th>Old → new</th><th>Reason</th></tr>');
      for (const e of h) {
        parts.push(
          `<tr><td>${e.seq}</td><td>${esc(e.at)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.field)}</td><td>${clip(e.old_value, 80)} → ${clip(e.new_value, 80)}</td><td>${clip(e.reason, 200)}</td></tr>`,
        );
      }
      parts.push('</table>');
    }
    parts.push('</section>');
  }
  parts.push(
    `<footer>Verify this bundle with <code>vigil verify BUNDLE.zip --trusted-keys KEYS</code>. ` +
      `Content digest (sha256 of the canonical manifest subject list, every file but this report): <code id="content-digest">${r.contentDigest}</code></footer></body></html>\n`,
  );
  return parts.join('');
}
