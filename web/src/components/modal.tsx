"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * Modal is a modal <dialog>, open while it is rendered: focus moves into it, Escape and the
 * close button close it, focus goes back where it was. `sheet` docks it to the bottom on a
 * phone (filters).
 */
export function Modal({
  title,
  onClose,
  children,
  sheet,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: (close: () => void) => ReactNode;
  sheet?: boolean;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const d = ref.current;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (d && !d.open) {
      d.showModal();
      d.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  const close = () => ref.current?.close();
  const placement = sheet
    ? "mb-0 mt-auto w-full max-w-none rounded-t-2xl sm:m-auto sm:w-[min(32rem,calc(100vw-2rem))] sm:rounded-xl"
    : `m-auto rounded-xl ${wide ? "w-[min(40rem,calc(100vw-2rem))]" : "w-[min(36rem,calc(100vw-2rem))]"}`;
  return (
    <dialog ref={ref} aria-labelledby={headingId} onClose={onClose} className={`bg-card p-0 text-fg shadow-xl ${placement}`}>
      <div className="p-5">
        <div className="mb-4 flex items-center justify-between gap-3">
          <h2 id={headingId} className="text-lg font-semibold">
            {title}
          </h2>
          <button type="button" className="btn-icon -my-2 -mr-2" onClick={close}>
            <span aria-hidden="true">✕</span>
            <span className="sr-only">Close</span>
          </button>
        </div>
        {children(close)}
      </div>
    </dialog>
  );
}
