// Incidents (README §5): declare one when a finding warrants it. Minimal on purpose — title,
// severity, customer impact. The API is "unstable" in client 1.64; call.ts enables it.
import { type client, v2 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { VigilError } from '../../../../shared/errors';
import { call, type CallContext, type CallOptions } from './call';
import type { Operation } from './operation';
import { expectShape } from './shape';
import { oneOf } from './input';

export const INCIDENT_SEVERITIES = ['SEV-0', 'SEV-1', 'SEV-2', 'SEV-3', 'SEV-4', 'SEV-5', 'UNKNOWN'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export interface CreateIncidentParams {
  title: string;
  severity?: IncidentSeverity;
  customerImpacted: boolean;
  /** required by Datadog when customerImpacted */
  customerImpactScope?: string;
}

export interface CreatedIncident {
  id: string;
  /** the number signals/{id}/incidents takes */
  publicId: number | null;
  title: string;
  raw: unknown;
}

const IncidentBody = z.looseObject({
  data: z.looseObject({
    id: z.string().min(1),
    attributes: z.looseObject({ title: z.string(), public_id: z.number().nullish() }),
  }),
});

export function incidentsApi(ctx: CallContext) {
  const api = (c: client.Configuration) => new v2.IncidentsApi(c);

  /** Not idempotent: a retried declaration would page people twice. */
  async function createIncident(p: CreateIncidentParams, opts?: CallOptions): Promise<CreatedIncident> {
    const title = typeof p.title === 'string' ? p.title.trim() : '';
    if (!title) throw new VigilError('VALIDATION_FAILED', 'The incident title is empty.');
    if (typeof p.customerImpacted !== 'boolean') throw new VigilError('VALIDATION_FAILED', 'Say whether customers are impacted.');
    const scope = p.customerImpactScope?.trim();
    if (p.customerImpacted && !scope) {
      throw new VigilError('VALIDATION_FAILED', 'Describe the customer impact scope when customers are impacted.');
    }
    if (p.severity !== undefined) oneOf(p.severity, INCIDENT_SEVERITIES, 'incident severity');
    const body: v2.IncidentCreateRequest = {
      data: {
        type: 'incidents',
        attributes: {
          title,
          customerImpacted: p.customerImpacted,
          ...(p.customerImpacted && scope ? { customerImpactScope: scope } : {}),
          ...(p.severity ? { fields: { severity: { type: 'dropdown', value: p.severity } } } : {}),
        },
      },
    };
    const op: Operation = { name: 'declare an incident', auth: 'api_and_app_key', permission: 'incident_write', idempotent: false };
    const { raw } = await call(ctx, op, (c) => api(c).createIncident({ body }), opts);
    const d = expectShape(IncidentBody, raw, op).data;
    return { id: d.id, publicId: d.attributes.public_id ?? null, title: d.attributes.title, raw };
  }

  return { createIncident };
}
