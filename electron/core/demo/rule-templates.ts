// All demo detection-rule templates, by source family. Each maps to one real ATT&CK Enterprise
// technique and tactic (checked against resources/attack/catalog.json by test/unit/demo-signals.test.ts).
import { AWS_TEMPLATES } from './rule-templates-aws';
import type { RuleTemplate } from './rule-templates-base';
import { DEV_NETWORK_TEMPLATES } from './rule-templates-dev-network';
import { GCP_AZURE_TEMPLATES } from './rule-templates-gcp-azure';
import { HOST_TEMPLATES } from './rule-templates-host';
import { IDENTITY_TEMPLATES } from './rule-templates-identity';
import { K8S_WINDOWS_TEMPLATES } from './rule-templates-k8s-windows';

export type { RuleTemplate } from './rule-templates-base';

export const RULE_TEMPLATES: readonly RuleTemplate[] = Object.freeze([
  ...AWS_TEMPLATES,
  ...GCP_AZURE_TEMPLATES,
  ...IDENTITY_TEMPLATES,
  ...DEV_NETWORK_TEMPLATES,
  ...HOST_TEMPLATES,
  ...K8S_WINDOWS_TEMPLATES,
]);

/** Template by its short key; throws on an unknown key (a typo in the generator's campaign list). */
export function ruleTemplate(key: string): RuleTemplate {
  const t = RULE_TEMPLATES.find((x) => x.key === key);
  if (!t) throw new Error(`unknown demo rule template "${key}"`);
  return t;
}
