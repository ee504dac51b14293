import type { DestinationConfig } from './destination-config.js';
import type { Destination } from './destination.js';

/**
 * The destination for a configuration. Each type's client library is imported only when a destination of that
 * type is configured, so a worker without S3 never loads the AWS SDK.
 */
export async function createDestination(config: DestinationConfig): Promise<Destination> {
  switch (config.type) {
    case 'local':
      return new (await import('./local-destination.js')).LocalDestination(config);
    case 's3':
      return new (await import('./s3-destination.js')).S3Destination(config);
    case 'webdav':
      return new (await import('./webdav-destination.js')).WebdavDestination(config);
    case 'sftp':
      return new (await import('./sftp-destination.js')).SftpDestination(config);
    case 'dropbox':
      return new (await import('./dropbox-destination.js')).DropboxDestination(config);
  }
}
