// A cross-check independent of the eval sets' author: one demo signal per demo rule template
// (electron/core/demo, written separately), MITRE tags stripped, labelled with the template's own
// technique, scored with the offline drafter. Nothing is written to disk.
// Run: node --import tsx test/eval/demo-crosscheck.ts [--json]
import { fileURLToPath } from 'node:url';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { RULE_TEMPLATES } from '../../electron/core/demo/rule-templates';
import { OfflineDrafter } from '../../electron/core/drafter/offline-drafter';
import { formatEvalReport, parseEvalSet, runEval } from '../../electron/core/eval';

export function demoCrosscheckSet(): string {
  const byRule = new Map<string, unknown>();
  for (const s of generateDemoSignals({ count: 6000, seed: 7 })) {
    const name = s.attributes.attributes.workflow.rule.name;
    if (!byRule.has(name)) byRule.set(name, s);
  }
  const lines: string[] = [];
  for (const t of RULE_TEMPLATES) {
    const s = byRule.get(t.name) as { attributes: { tags: string[] } } | undefined;
    if (!s) continue;
    const signal = structuredClone(s);
    signal.attributes.tags = signal.attributes.tags.filter((x) => !/^(technique|tactic):/i.test(x));
    lines.push(JSON.stringify({ id: t.key, signal, expected: { technique: t.mitre.technique } }));
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const catalog = AttackCatalog.load();
  const set = parseEvalSet(demoCrosscheckSet(), { catalog, source: 'demo cross-check' });
  const report = await runEval({ set, drafter: new OfflineDrafter(catalog), catalog });
  console.log(process.argv.includes('--json') ? JSON.stringify(report) : formatEvalReport(report));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
