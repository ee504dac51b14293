import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { PermanentError } from '../engine/permanent-error.js';
import type { DestinationConfigOf } from './destination-config.js';
import type { Destination } from './destination.js';

const REFUSED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
  'InvalidBucketName',
]);

/** Any S3-compatible endpoint; a PUT of one object is atomic on the server side. */
export class S3Destination implements Destination {
  readonly type = 's3';
  readonly name: string;
  private readonly client: S3Client;

  constructor(private readonly config: DestinationConfigOf<'s3'>) {
    this.name = config.name;
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Checksums only where the API requires them: many S3-compatible servers reject the SDK's default trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
  }

  async upload(localPath: string, remoteName: string, signal: AbortSignal): Promise<string> {
    const key = `${this.config.prefix.replace(/^\/+/, '')}${remoteName}`;
    const { size } = await stat(localPath);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Body: createReadStream(localPath),
          ContentLength: size,
          ContentType: remoteName.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof S3ServiceException && REFUSED.has(error.name)) {
        throw new PermanentError(`S3 refused the upload to ${this.config.bucket}/${key}: ${error.name}`, {
          cause: error,
        });
      }
      throw error;
    }
    return `s3://${this.config.bucket}/${key}`;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
