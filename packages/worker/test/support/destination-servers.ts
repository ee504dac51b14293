import { execFile, spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import S3rver from '@20minutes/s3rver';
import { v2 as webdav } from 'webdav-server';

const run = promisify(execFile);

/** A throwaway server a destination delivers to: its DESTINATIONS entry and a way to read what arrived. */
export interface DestinationServer {
  /** The DESTINATIONS entry (without the name) pointing at this server. */
  config: Record<string, unknown>;
  /** What was uploaded under `name`, or null. */
  read(name: string): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** A server that started, or why it could not. */
export type Started = { server: DestinationServer; skipReason: null } | { server: null; skipReason: string };

const readOrNull = (path: string) => readFile(path).catch(() => null);

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An S3-compatible server from npm (s3rver), in this process, storing into a temp folder. */
export async function startS3(): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'steptrail-s3-'));
  try {
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'docs' }],
    });
    const address = await s3.run();
    return {
      skipReason: null,
      server: {
        config: {
          type: 's3',
          bucket: 'docs',
          prefix: 'inbox/',
          endpoint: `http://127.0.0.1:${address.port}`,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
        },
        // s3rver keeps an object's bytes in <bucket>/<key>._S3rver_object
        read: (name) => readOrNull(join(dir, 'docs', 'inbox', `${name}._S3rver_object`)),
        close: async () => {
          await s3.close();
          await rm(dir, { recursive: true, force: true });
        },
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return {
      server: null,
      skipReason: `the S3-compatible test server (s3rver) did not start: ${(error as Error).message}`,
    };
  }
}

/** A WebDAV server from npm (webdav-server) with basic authentication over a temp folder. */
export async function startWebdav(): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'steptrail-webdav-'));
  try {
    const users = new webdav.SimpleUserManager();
    const user = users.addUser('steptrail', 'secret', false);
    const privileges = new webdav.SimplePathPrivilegeManager();
    privileges.setRights(user, '/', ['all']);
    const port = await freePort();
    const server = new webdav.WebDAVServer({
      hostname: '127.0.0.1',
      port,
      requireAuthentification: true,
      httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'steptrail'),
      privilegeManager: privileges,
      rootFileSystem: new webdav.PhysicalFileSystem(dir),
    });
    await server.startAsync(port);
    return {
      skipReason: null,
      server: {
        config: {
          type: 'webdav',
          url: `http://127.0.0.1:${port}/`,
          username: 'steptrail',
          password: 'secret',
          directory: 'archive/2024',
        },
        read: (name) => readOrNull(join(dir, 'archive', '2024', name)),
        close: async () => {
          await server.stopAsync();
          await rm(dir, { recursive: true, force: true });
        },
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return {
      server: null,
      skipReason: `the WebDAV test server (webdav-server) did not start: ${(error as Error).message}`,
    };
  }
}

const SSHD = '/usr/sbin/sshd';

/**
 * OpenSSH's sshd from Debian (openssh-server) on a free port with a temp host key and config, key-only login as
 * the current user, the SFTP subsystem in-process (internal-sftp).
 */
export async function startSftp(): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), 'steptrail-sftp-'));
  const fail = async (why: string): Promise<Started> => {
    await rm(dir, { recursive: true, force: true });
    return { server: null, skipReason: `the SFTP test server could not start: ${why}` };
  };
  try {
    await run(SSHD, ['-V']).catch((error: { code?: string; stderr?: string }) => {
      if (error.code === 'ENOENT')
        throw new Error('sshd is not installed (apt-get install -y openssh-server)');
      // sshd -V prints its version to stderr and exits non-zero on some versions; that still means it is there.
    });
    await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
    const fingerprint =
      (await run('ssh-keygen', ['-lf', join(dir, 'host_key.pub')])).stdout.split(' ')[1] ?? '';
    const port = await freePort();
    await writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port));
    const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    sshd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => sshd.once('exit', () => resolve()));
    if (!(await listening(port, exited))) return await fail(`sshd exited: ${log.trim().slice(0, 500)}`);
    const uploads = join(dir, 'uploads');
    return {
      skipReason: null,
      server: {
        config: {
          type: 'sftp',
          host: '127.0.0.1',
          port,
          username: userInfo().username,
          privateKey: await readFile(join(dir, 'client_key'), 'utf8'),
          directory: uploads,
          hostKeySha256: fingerprint,
        },
        read: (name) => readOrNull(join(uploads, name)),
        close: async () => {
          sshd.kill('SIGTERM');
          await exited;
          await rm(dir, { recursive: true, force: true });
        },
      },
    };
  } catch (error) {
    return fail((error as Error).message);
  }
}

function sshdConfig(dir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

/** Waits until the port accepts connections, or the process exits first. */
async function listening(port: number, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 200 && !gone; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** A stand-in for Dropbox's content API (files/upload) on 127.0.0.1, checking the token and the API argument. */
export async function startDropbox(): Promise<Started & { uploads?: Array<{ path: string; mode: string }> }> {
  const files = new Map<string, Buffer>();
  const uploads: Array<{ path: string; mode: string }> = [];
  const server = createServer((request, response) => {
    void body(request).then((content) => {
      if (request.method !== 'POST' || request.url !== '/2/files/upload')
        return void response.writeHead(404).end();
      if (request.headers.authorization !== 'Bearer test-token') {
        response.writeHead(401, { 'content-type': 'application/json' });
        return void response.end('{"error_summary": "invalid_access_token/"}');
      }
      const arg = JSON.parse(String(request.headers['dropbox-api-arg'])) as { path: string; mode: string };
      uploads.push(arg);
      files.set(arg.path, content);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ name: arg.path.split('/').pop(), path_display: arg.path, size: content.length }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    skipReason: null,
    uploads,
    server: {
      config: {
        type: 'dropbox',
        accessToken: 'test-token',
        directory: 'Apps/steptrail',
        contentBaseUrl: `http://127.0.0.1:${port}`,
        apiBaseUrl: `http://127.0.0.1:${port}`,
      },
      read: async (name) => files.get(`/Apps/steptrail/${name}`) ?? null,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    },
  };
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
