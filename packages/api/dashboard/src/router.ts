import { useEffect, useState } from 'preact/hooks';

// The whole view state lives in the URL's hash (`#/files?status=failed&q=inv`), so a view can be shared and the
// back button returns to it; the server serves the page only at `/` (docs/architecture.md#dashboard).

export interface Route {
  /** Path segments after `#/`: [] for the overview, ['files'], ['files', '12'], ['upload'], … */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return {
    parts: path
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

/** `#/files?status=failed`, from a path and parameters; empty values are left out. */
export function href(path: string, params: Record<string, string | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, value);
  }
  // A list of statuses reads as one: `status=processing,failed`, not `processing%2Cfailed`.
  const search = query.toString().replace(/%2C/gi, ',');
  return `#/${path.replace(/^\//, '')}${search === '' ? '' : `?${search}`}`;
}

/** Goes to `target` (a hash); `replace` rewrites the current history entry, e.g. while typing a search. */
export function navigate(target: string, { replace = false } = {}): void {
  if (target === location.hash || (target === '#/' && location.hash === '')) return;
  if (replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
