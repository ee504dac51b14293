import type { DestinationConfig } from './destination-config.js';
import type { Destination } from './destination.js';
import { DropboxDestination } from './dropbox-destination.js';
import { LocalDestination } from './local-destination.js';
import { S3Destination } from './s3-destination.js';
import { SftpDestination } from './sftp-destination.js';
import { WebdavDestination } from './webdav-destination.js';

export function createDestination(config: DestinationConfig): Destination {
  switch (config.type) {
    case 'local':
      return new LocalDestination(config);
    case 's3':
      return new S3Destination(config);
    case 'webdav':
      return new WebdavDestination(config);
    case 'sftp':
      return new SftpDestination(config);
    case 'dropbox':
      return new DropboxDestination(config);
  }
}
