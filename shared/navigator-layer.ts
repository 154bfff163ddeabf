// An ATT&CK Navigator layer, format 4.5 (mitre-attack/attack-navigator, layers/spec/v4.5): what
// Vigil exports for a finding or a filtered set of findings, so analysts can open it in Navigator.
// Only the fields Vigil writes are listed, each typed as the spec defines it; strict objects, so a
// misspelt property fails here instead of being silently ignored by Navigator.
import { z } from 'zod';

export const NAVIGATOR_LAYER_VERSION = '4.5';
/** The Navigator release the layer is written for (the spec asks for at least 4.9.0). */
export const NAVIGATOR_VERSION = '5.2.0';

const Metadata = z.union([z.object({ name: z.string(), value: z.string() }).strict(), z.object({ divider: z.boolean() }).strict()]);
const Link = z.union([z.object({ label: z.string(), url: z.string().regex(/^[a-z][a-z0-9+.-]*:\/\//i) }).strict(), z.object({ divider: z.boolean() }).strict()]);
const Color = z.string().regex(/^#[0-9a-f]{6}$/i, 'a hexadecimal RGB colour like #e6550d');

export const NavigatorTechnique = z
  .object({
    techniqueID: z.string().regex(/^T\d{4}(?:\.\d{3})?$/),
    /** the tactic's shortname (e.g. "credential-access"); absent: every tactic the technique is in */
    tactic: z.string().regex(/^[a-z]+(?:-[a-z]+)*$/).optional(),
    comment: z.string().optional(),
    enabled: z.boolean().optional(),
    score: z.number().optional(),
    color: Color.optional(),
    metadata: z.array(Metadata).optional(),
    links: z.array(Link).optional(),
    showSubtechniques: z.boolean().optional(),
  })
  .strict();
export type NavigatorTechnique = z.infer<typeof NavigatorTechnique>;

export const NavigatorLayer = z
  .object({
    name: z.string().min(1),
    versions: z.object({ attack: z.string(), navigator: z.string(), layer: z.literal(NAVIGATOR_LAYER_VERSION) }).strict(),
    domain: z.enum(['enterprise-attack', 'mobile-attack', 'ics-attack']),
    description: z.string(),
    sorting: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    layout: z
      .object({
        layout: z.enum(['side', 'flat', 'mini']),
        showID: z.boolean(),
        showName: z.boolean(),
        showAggregateScores: z.boolean(),
        countUnscored: z.boolean(),
        aggregateFunction: z.enum(['average', 'min', 'max', 'sum']),
        expandedSubtechniques: z.enum(['none', 'all', 'annotated']),
      })
      .strict(),
    hideDisabled: z.boolean(),
    techniques: z.array(NavigatorTechnique),
    gradient: z
      .object({ colors: z.array(Color).min(2), minValue: z.number(), maxValue: z.number() })
      .strict()
      .refine((g) => g.maxValue > g.minValue, 'gradient maxValue must be greater than minValue'),
    legendItems: z.array(z.object({ label: z.string(), color: Color }).strict()),
    showTacticRowBackground: z.boolean(),
    tacticRowBackground: Color,
    selectTechniquesAcrossTactics: z.boolean(),
    selectSubtechniquesWithParent: z.boolean(),
    selectVisibleTechniques: z.boolean(),
    metadata: z.array(Metadata),
    links: z.array(Link).optional(),
  })
  .strict();
export type NavigatorLayer = z.infer<typeof NavigatorLayer>;
