// A Datadog Cloud SIEM security signal as the v2 API returns it. Search/list put the custom data
// under attributes.attributes, get puts it under attributes.custom (../shared/reference/datadog).
// Loose on purpose: Datadog adds fields, and the full payload is kept as the signal's revision.
import { z } from 'zod';

const json = z.record(z.string(), z.unknown());

export const DatadogSignal = z.looseObject({
  id: z.string().min(1).max(512),
  type: z.literal('signal').optional(),
  attributes: z.looseObject({
    timestamp: z.union([z.string().min(1), z.date()]),
    status: z.string().optional(),
    message: z.string().optional(),
    tags: z.array(z.string()).optional(),
    host: z.string().optional(),
    service: z.union([z.array(z.string()), z.string()]).optional(),
    attributes: json.optional(),
    custom: json.optional(),
  }),
});
export type DatadogSignal = z.infer<typeof DatadogSignal>;
