// Typing in the search box should query once the analyst pauses, not on every keystroke.
import { useEffect, useMemo, useRef } from 'react';

export function useDebouncedCallback<A extends unknown[]>(fn: (...args: A) => void, ms: number): { (...args: A): void; flush: () => void; cancel: () => void } {
  const fnRef = useRef(fn);
  useEffect(() => {
    fnRef.current = fn;
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<A | null>(null);

  const debounced = useMemo(() => {
    const run = () => {
      timer.current = null;
      const args = pending.current;
      pending.current = null;
      if (args) fnRef.current(...args);
    };
    const d = (...args: A) => {
      pending.current = args;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(run, ms);
    };
    d.flush = () => {
      if (timer.current) clearTimeout(timer.current);
      run();
    };
    d.cancel = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      pending.current = null;
    };
    return d;
  }, [ms]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return debounced;
}
