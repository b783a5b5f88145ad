import { useEffect, useMemo } from 'preact/hooks';

/**
 * A page's model, made once per mounted view; `start` runs after the first render (its loading).
 * The model is plain TypeScript (signals and actions); the view only renders it.
 */
export function useModel<M>(create: () => M, start?: (model: M) => unknown): M {
  const model = useMemo(create, []);
  useEffect(() => {
    void start?.(model);
  }, [model]);
  return model;
}

/** Runs `refresh` after the first render and again whenever `key` changes (a page's filters). */
export function useRefresh(key: unknown, refresh: () => unknown): void {
  useEffect(() => {
    void refresh();
  }, [key]);
}
