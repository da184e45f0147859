import { z } from 'zod';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._ -]*$/;

/** Relative to the host's export root; the FileStore enforces this too, but config is where the admin learns. */
const directorySchema = z
  .string()
  .trim()
  .min(1, 'directory cannot be empty')
  .max(200)
  .refine((d) => !/^([\\/]|[A-Za-z]:)/.test(d), {
    message: 'directory must be relative (no leading / or drive letter)',
    // One clear message is better than this one plus "bad segment" for the same mistake.
    abort: true,
  })
  .refine(
    (d) =>
      d
        .replace(/\/+$/, '')
        .split('/')
        .every((segment) => SEGMENT.test(segment) && segment !== '..'),
    'directory is folder names separated by "/", each of letters, digits, ".", "_", "-" or spaces, no ".."',
  );

export const fileConfigSchema = z.object({
  directory: directorySchema.default('exports'),
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  fileName: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/,
      'fileName is letters, digits, "_" and "-", without an extension',
    )
    .default('profiles'),
});

export type FileConfig = z.output<typeof fileConfigSchema>;
