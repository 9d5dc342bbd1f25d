"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** ToastAction is the one button a toast may carry besides Dismiss, such as Undo. */
export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
  /** Toasts with the same key replace each other: one message per problem, never a stack of copies. */
  key: string;
  action?: ToastAction;
}

export interface ToastOptions {
  kind?: Toast["kind"];
  key?: string;
  action?: ToastAction;
}

const MAX_SHOWN = 3;

/** useToasts keeps the messages of the toast region; each disappears after a while. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((ts) => ts.filter((t) => t.id !== id));
  }, []);
  const toast = useCallback(
    (text: string, opts: ToastOptions = {}) => {
      const id = ++next.current;
      const kind = opts.kind ?? "info";
      const key = opts.key ?? `${kind}:${text}`;
      setToasts((ts) => {
        for (const t of ts) if (t.key === key) clearTimeout(timers.current.get(t.id));
        return [...ts.filter((t) => t.key !== key).slice(-(MAX_SHOWN - 1)), { id, text, kind, key, action: opts.action }];
      });
      // Errors and undoable changes stay longer: there is something to read or to do.
      timers.current.set(id, setTimeout(() => dismiss(id), kind === "error" || opts.action ? 10_000 : 5_000));
      return id;
    },
    [dismiss],
  );
  return { toasts, toast, dismiss };
}

/**
 * Toasts is the live region the messages are announced from. It reserves its own height at
 * the bottom of the page (--toast-space), so a toast never covers the last row of the list.
 */
export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // The observer reports the height after layout, so nothing forces one; and the property
    // changes only when the height does — a custom property on <html> restyles the whole page,
    // which on load (no toasts, height 0) cost a full style and layout pass for nothing.
    let shown = 0;
    const ro = new ResizeObserver(([entry]) => {
      const h = Math.round(entry?.borderBoxSize[0]?.blockSize ?? 0);
      if (h === shown) return;
      shown = h;
      if (h) document.documentElement.style.setProperty("--toast-space", `${h}px`);
      else document.documentElement.style.removeProperty("--toast-space");
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      document.documentElement.style.removeProperty("--toast-space");
    };
  }, []);
  return (
    <div
      ref={ref}
      aria-live="polite"
      data-testid="toasts"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-40 flex flex-col items-center gap-2 p-3 empty:p-0 sm:items-end sm:p-4"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === "error" ? "alert" : "status"}
          data-testid="toast"
          className={`pointer-events-auto flex w-full max-w-sm items-center gap-2 rounded-lg py-1 pl-4 pr-1 text-sm shadow-lg ring-1 ${
            t.kind === "error" ? "bg-danger-soft text-danger ring-danger-line" : "bg-toast text-on-toast ring-toast"
          }`}
        >
          <p className="flex-1 break-words py-2">{t.text}</p>
          {t.action && (
            <button
              type="button"
              className="btn min-h-11 px-3 font-semibold underline underline-offset-2 hover:no-underline"
              onClick={() => {
                dismiss(t.id);
                t.action?.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" className="btn size-11 p-0 opacity-80 hover:opacity-100" onClick={() => dismiss(t.id)}>
            <span aria-hidden="true">✕</span>
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ))}
    </div>
  );
}
