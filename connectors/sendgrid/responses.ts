import { z } from 'zod';

/**
 * Shapes of the SendGrid answers this connector reads, from the vendor's OpenAPI documents
 * (`twilio/sendgrid-oai`). Loose objects: SendGrid adds fields, and an unknown one must not fail a sync.
 */

const fieldType = z.enum(['Text', 'Number', 'Date']);

export const fieldDefinitionsResponse = z.looseObject({
  custom_fields: z.array(z.looseObject({ id: z.string().min(1), name: z.string(), field_type: fieldType })),
  reserved_fields: z.array(z.looseObject({ name: z.string() })).default([]),
});

export const createdFieldResponse = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  field_type: fieldType,
});

/** PUT /v3/marketing/contacts (202). */
export const upsertResponse = z.looseObject({ job_id: z.string().min(1) });

/** GET /v3/marketing/contacts/imports/{id}; `status` is documented as pending|completed|errored|failed. */
export const importStatusResponse = z.looseObject({
  id: z.string().optional(),
  status: z.string(),
  results: z
    .looseObject({
      requested_count: z.number().optional(),
      created_count: z.number().optional(),
      updated_count: z.number().optional(),
      errored_count: z.number().optional(),
      errors_url: z.string().optional(),
    })
    .optional(),
});
export type ImportStatus = z.output<typeof importStatusResponse>;

/** POST /v3/marketing/contacts/search/emails: matches keyed by (lower-case) email; misses carry `error`. */
export const searchEmailsResponse = z.looseObject({
  result: z
    .record(
      z.string(),
      z.looseObject({
        contact: z.looseObject({ id: z.string().min(1) }).optional(),
        error: z.string().optional(),
      }),
    )
    .default({}),
});

/** DELETE answers 202 with a job id; the spec types it loosely, so any value is accepted. */
export const acceptedJobResponse = z.looseObject({ job_id: z.unknown().optional() }).optional();

export const listsPageResponse = z.looseObject({
  result: z.array(z.looseObject({ id: z.string().min(1), name: z.string() })).default([]),
  _metadata: z.looseObject({ next: z.string().optional() }).optional(),
});

export const createdListResponse = z.looseObject({ id: z.string().min(1), name: z.string() });

export const contactCountResponse = z.looseObject({ contact_count: z.number() });
