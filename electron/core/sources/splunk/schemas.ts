// Zod shapes of the Splunk REST bodies the client reads (shared/reference/splunk, §5–§7, examples/).
// Loose objects on purpose: Splunk adds keys between versions and we only depend on the ones named
// here. Where versions disagree on a scalar's type (XML-era "1"/"0", counts as strings), accept both.
import { z } from 'zod';

/** `{type, text}` as in every `messages` array. Types seen: DEBUG, INFO, WARN, ERROR, FATAL. */
export const SplunkMessage = z.looseObject({ type: z.string(), text: z.string() });
export type SplunkMessage = z.infer<typeof SplunkMessage>;

/**
 * Job `content.messages` is documented as an array of `{type,text}`; some builds render it as a map
 * `{ "error": ["…"] }` instead. Both become the array form.
 */
export const MessageList = z
  .union([z.array(SplunkMessage), z.record(z.string(), z.union([z.array(z.string()), z.string()]))])
  .transform((m): SplunkMessage[] =>
    Array.isArray(m)
      ? m
      : Object.entries(m).flatMap(([type, texts]) =>
          (Array.isArray(texts) ? texts : [texts]).map((text) => ({ type: type.toUpperCase(), text })),
        ),
  );

export const ErrorBody = z.looseObject({ messages: z.array(SplunkMessage) });

const Flag = z
  .union([z.boolean(), z.number(), z.enum(['0', '1', 'true', 'false'])])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const Count = z
  .union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => Number(v));

const Acl = z.looseObject({
  owner: z.string(),
  app: z.string(),
  sharing: z.string().optional(),
});

const Generator = z.looseObject({
  version: z.string().optional(),
  build: z.string().optional(),
  instance_type: z.string().optional(),
});

/** The standard entity envelope (examples/entity-envelope-splunk8.json). */
function envelope<C extends z.ZodType, A extends z.ZodType>(content: C, acl: A) {
  return z.looseObject({
    generator: Generator.optional(),
    entry: z.array(z.looseObject({ name: z.string(), acl, content })),
    paging: z.looseObject({ total: Count, perPage: Count, offset: Count }).optional(),
  });
}

export const ServerInfoBody = envelope(
  z.looseObject({
    version: z.string().optional(),
    build: z.string().optional(),
    serverName: z.string().optional(),
    // splunklib reads instance_type from the server/info entry; `cloud` on Splunk Cloud.
    instance_type: z.string().optional(),
  }),
  Acl.optional(),
);

export const SavedSearchListBody = envelope(
  z.looseObject({
    search: z.string(),
    description: z.string().optional(),
    disabled: Flag.optional(),
    'dispatch.earliest_time': z.string().optional(),
    'dispatch.latest_time': z.string().optional(),
  }),
  Acl,
);

export const SidBody = z.looseObject({ sid: z.string().min(1) });

export const JobStatusBody = envelope(
  z.looseObject({
    sid: z.string().optional(),
    dispatchState: z.string(),
    isDone: Flag.optional(),
    isFailed: Flag.optional(),
    isZombie: Flag.optional(),
    doneProgress: Count.optional(),
    resultCount: Count.optional(),
    eventCount: Count.optional(),
    runDuration: Count.optional(),
    earliestTime: z.string().optional(),
    latestTime: z.string().optional(),
    messages: MessageList.optional(),
  }),
  Acl.optional(),
);

/** One cell: Splunk sends strings, and arrays of strings for multivalue fields. */
const Cell = z.union([z.string(), z.array(z.string()), z.number(), z.boolean(), z.null()]);

/**
 * `output_mode=json` results page. Modern servers send `fields` as `{name,type?}` objects
 * (examples/results-json-modern.json); Splunk 5 sends no `fields` (examples/results-json-splunk5.json);
 * an empty set may omit everything but `results`.
 */
export const ResultsBody = z.looseObject({
  preview: Flag.optional(),
  init_offset: Count.optional(),
  messages: MessageList.optional(),
  fields: z.array(z.union([z.looseObject({ name: z.string() }), z.string()])).optional(),
  results: z.array(z.record(z.string(), Cell)),
});
export type ResultsBody = z.infer<typeof ResultsBody>;
