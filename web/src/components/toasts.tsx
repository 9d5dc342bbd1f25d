"use client";

import { useCallback, useRef, useState } from "react";

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
}

/** useToasts keeps the messages of the toast region; each disappears after a while. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (text: string, kind: Toast["kind"] = "info") => {
      const id = ++next.current;
      setToasts((ts) => [...ts.slice(-3), { id, text, kind }]);
      setTimeout(() => dismiss(id), kind === "error" ? 10_000 : 5_000);
    },
    [dismiss],
  );
  return { toasts, toast, dismiss };
}

/** Toasts is the live region the messages are announced from. */
export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === "error" ? "alert" : "status"}
          data-testid="toast"
          className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1 ${
            t.kind === "error" ? "bg-red-50 text-red-900 ring-red-200" : "bg-zinc-900 text-white ring-zinc-900"
          }`}
        >
          <p className="flex-1 break-words">{t.text}</p>
          <button type="button" className="-m-1 rounded p-1 opacity-70 hover:opacity-100" onClick={() => dismiss(t.id)}>
            <span aria-hidden="true">✕</span>
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ))}
    </div>
  );
}
