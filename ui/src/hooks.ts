// Small hooks shared by the pages.
import { useEffect, useRef, useState } from 'preact/hooks';
import { live } from './live';

/** Re-renders on every change of the live domain view; returns its version. */
export function useLive(): number {
  const [v, setV] = useState(live.version);
  useEffect(() => {
    const off = live.subscribe(() => setV(live.version));
    // A change between render and this effect (which runs after paint) sent no notice.
    setV(live.version);
    return off;
  }, []);
  return v;
}

/** The hash route, e.g. "#/domains/web1" → ["domains", "web1"]. */
export function useRoute(): string[] {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .replace(/\?.*$/, '')
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/**
 * Runs fn now and every ms milliseconds while mounted and the page is visible: nothing while
 * the tab is hidden (a sampler's polling stops with it), fn again at once when it shows.
 */
export function useVisibleInterval(fn: () => void, ms: number): void {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    let t: ReturnType<typeof setInterval> | undefined;
    const sync = () => {
      const visible = document.visibilityState === 'visible';
      if (visible && t === undefined) {
        latest.current();
        t = setInterval(() => latest.current(), ms);
      } else if (!visible && t !== undefined) {
        clearInterval(t);
        t = undefined;
      }
    };
    sync();
    document.addEventListener('visibilitychange', sync);
    return () => {
      document.removeEventListener('visibilitychange', sync);
      clearInterval(t);
    };
  }, [ms]);
}

/** A parameter of the hash route's query, e.g. "#/domains?state=running". */
export function hashParam(name: string): string | null {
  const q = location.hash.indexOf('?');
  return q < 0 ? null : new URLSearchParams(location.hash.slice(q + 1)).get(name);
}
