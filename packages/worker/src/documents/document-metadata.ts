import { z } from 'zod';

/** The metadata every extractor produces, and the model's JSON answer is validated against. */
export const documentMetadataSchema = z.object({
  title: z.string().trim().min(1).max(300),
  documentType: z.string().trim().min(1).max(100),
  correspondent: z.string().trim().max(200).nullable(),
  /** ISO date (YYYY-MM-DD) the document is dated, when it says. */
  documentDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'not a calendar date')
    .nullable(),
  tags: z.array(z.string().trim().min(1).max(60)).max(20),
  /** ISO 639-1 code, e.g. "en". */
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'use a two-letter ISO 639-1 code')
    .nullable(),
});

export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

/** What the metadata step stores: the metadata and which extractor produced it. */
export const metadataArtifact = z.object({
  metadata: documentMetadataSchema,
  extractor: z.string(),
});
export type MetadataArtifact = z.infer<typeof metadataArtifact>;
