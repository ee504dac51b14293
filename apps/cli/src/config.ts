// The one file of the CLI that reads the environment: STEPTRAIL_URL and STEPTRAIL_TOKEN, below the flags.

export interface Connection {
  url: string;
  token: string | null;
}

export const DEFAULT_URL = 'http://localhost:3000';

/** Where the API is and how to sign in: --url/--token win over STEPTRAIL_URL/STEPTRAIL_TOKEN; a bad URL throws. */
export function connection(
  flags: { url?: string | undefined; token?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Connection {
  const url = flags.url ?? nonEmpty(env['STEPTRAIL_URL']) ?? DEFAULT_URL;
  const source = flags.url === undefined ? 'STEPTRAIL_URL' : '--url';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${source}: "${url}" is not a URL; e.g. ${DEFAULT_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`${source}: "${url}" must start with http:// or https://`);
  }
  return { url, token: flags.token ?? nonEmpty(env['STEPTRAIL_TOKEN']) ?? null };
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
