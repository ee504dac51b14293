import { parseDestination } from '@steptrail/domain';
import { z } from 'zod';

const name = z.string().refine((value) => parseDestination(value).ok, {
  message:
    "a destination name is 1 to 64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit",
});

/** A folder on this machine (or a mounted share). */
const local = z.object({ name, type: z.literal('local'), path: z.string().min(1) });

/** Any S3-compatible endpoint: AWS, MinIO, Ceph, Garage, R2, ... */
const s3 = z.object({
  name,
  type: z.literal('s3'),
  bucket: z.string().min(1),
  region: z.string().default('us-east-1'),
  endpoint: z.url().optional(),
  /** Path-style URLs (endpoint/bucket/key) are what most self-hosted servers expect. */
  forcePathStyle: z.boolean().default(true),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  prefix: z.string().default(''),
});

/** A WebDAV collection: Nextcloud, ownCloud, Apache mod_dav, ... */
const webdav = z.object({
  name,
  type: z.literal('webdav'),
  url: z.url(),
  username: z.string().optional(),
  password: z.string().optional(),
  directory: z.string().default('/'),
});

const sftp = z
  .object({
    name,
    type: z.literal('sftp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1),
    password: z.string().optional(),
    /** A private key in OpenSSH/PEM form. */
    privateKey: z.string().optional(),
    directory: z.string().default('.'),
    /** SHA-256 of the server's host key (hex or base64, as `ssh-keygen -lf` prints it); unchecked when absent. */
    hostKeySha256: z.string().optional(),
  })
  .refine((value) => value.password !== undefined || value.privateKey !== undefined, {
    message: 'an sftp destination needs a password or a privateKey',
  });

const dropbox = z.object({
  name,
  type: z.literal('dropbox'),
  accessToken: z.string().min(1),
  directory: z.string().default(''),
  /** Base URLs of the RPC and content endpoints; a proxy or a test server can stand in. */
  apiBaseUrl: z.url().default('https://api.dropboxapi.com'),
  contentBaseUrl: z.url().default('https://content.dropboxapi.com'),
});

export const destinationConfigSchema = z.discriminatedUnion('type', [local, s3, webdav, sftp, dropbox]);

export type DestinationConfig = z.infer<typeof destinationConfigSchema>;
export type DestinationType = DestinationConfig['type'];
export type DestinationConfigOf<T extends DestinationType> = Extract<DestinationConfig, { type: T }>;

/** The DESTINATIONS list: names are unique because they become step names. */
export const destinationListSchema = z.array(destinationConfigSchema).superRefine((list, context) => {
  const seen = new Set<string>();
  for (const [index, destination] of list.entries()) {
    if (seen.has(destination.name)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `destination name "${destination.name}" is used twice`,
      });
    }
    seen.add(destination.name);
  }
});
