// Quick add: what a line typed into the add box means. "Pay rent tomorrow 5pm !high #home" is
// the title "Pay rent", due tomorrow at 17:00, priority high, tagged home. Dates and times are
// read by chrono-node (loaded on first use, so the dashboard's first load does not carry it);
// priority is `!high`/`!medium`/`!low` (or `!h`, `!m`, `!l`) or `p1`–`p3`; tags are `#word`;
// the list is `~` and one of the user's list names ("~Groceries", "~weekly shop": any case,
// spaces allowed, the longest name that fits; `#` stays for tags, as in Todoist's `#project`
// our tags came first).
// What was recognised is shown as chips before saving; a chip the user dismisses is kept as
// text (its words go into the title as typed).
import type { List, Priority } from "@todo-api/client";
import { dueLabel, localDate } from "./dates";
import { listAt } from "./lists";

/** Chrono is the part of chrono-node (English) quick add uses. */
export type Chrono = Pick<typeof import("chrono-node/en"), "parse">;

let loading: Promise<Chrono> | null = null;

/** loadChrono imports chrono-node's English parser once, on demand. */
export function loadChrono(): Promise<Chrono> {
  loading ??= import("chrono-node/en").catch((e: unknown) => {
    loading = null; // a failed chunk load may work next time
    throw e;
  });
  return loading;
}

/** Token is one recognised part of the line, shown as a chip. */
export interface Token {
  kind: "date" | "priority" | "tag" | "list";
  /** The words as typed ("tomorrow 5pm"): the key under which a dismissed chip stays text. */
  text: string;
  /** What the chip says ("Tomorrow 5:00 PM", "High priority", "#home"). */
  label: string;
  start: number;
  end: number;
}

export interface QuickAdd {
  title: string;
  due_date?: string;
  due_time?: string;
  priority?: Priority;
  tags: string[];
  /** The list named with `~`, if any. */
  list_id?: string;
  tokens: Token[];
}

const PRIORITIES: Record<string, Priority> = { high: "high", h: "high", p1: "high", medium: "medium", m: "medium", p2: "medium", low: "low", l: "low", p3: "low" };
const PRIORITY_RE = /(?<=^|\s)(?:!(high|medium|low|h|m|l)|(p[1-3]))(?=\s|$)/gi;
const TAG_RE = /(?<=^|\s)#([\p{L}\p{N}_-]{1,32})(?=\s|$)/gu;
const LIST_RE = /(?<=^|\s)~(?=\S)/g;

/**
 * parseQuickAdd reads the line. `literal` holds the texts of dismissed chips, kept as typed;
 * without `chrono` (not loaded yet) dates are not recognised.
 */
export function parseQuickAdd(
  text: string,
  opts: { now: Date; literal?: ReadonlySet<string>; chrono?: Chrono | null; lists?: readonly List[] },
): QuickAdd {
  const literal = opts.literal ?? new Set<string>();
  const tokens: Token[] = [];
  const out: QuickAdd = { title: text.trim(), tags: [], tokens };
  const overlaps = (s: number, e: number) => tokens.some((t) => s < t.end && t.start < e);

  for (const m of text.matchAll(PRIORITY_RE)) {
    const word = (m[1] ?? m[2] ?? "").toLowerCase();
    const p = PRIORITIES[word];
    if (!p || out.priority || literal.has(m[0])) continue;
    out.priority = p;
    tokens.push({ kind: "priority", text: m[0], label: `${p[0]?.toUpperCase()}${p.slice(1)} priority`, start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(TAG_RE)) {
    const tag = (m[1] ?? "").toLowerCase();
    if (literal.has(m[0]) || out.tags.includes(tag) || out.tags.length >= 10) continue;
    out.tags.push(tag);
    tokens.push({ kind: "tag", text: m[0], label: `#${tag}`, start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(LIST_RE)) {
    const list = listAt(opts.lists ?? [], text, m.index + 1);
    if (!list || out.list_id) continue;
    const end = m.index + 1 + list.name.length;
    const typed = text.slice(m.index, end);
    if (literal.has(typed) || overlaps(m.index, end)) continue;
    out.list_id = list.id;
    tokens.push({ kind: "list", text: typed, label: `List: ${list.name}`, start: m.index, end });
  }
  if (opts.chrono) {
    for (const r of opts.chrono.parse(text, opts.now, { forwardDate: true })) {
      const start = r.index;
      const end = r.index + r.text.length;
      if (literal.has(r.text) || overlaps(start, end)) continue;
      const d = r.start.date();
      out.due_date = localDate(d);
      if (r.start.isCertain("hour")) {
        out.due_time = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
      }
      tokens.push({ kind: "date", text: r.text, label: dueLabel(out.due_date, out.due_time ?? null, localDate(opts.now)), start, end });
      break; // one due date per task
    }
  }

  tokens.sort((a, b) => a.start - b.start);
  let title = "";
  let at = 0;
  for (const t of tokens) {
    title += text.slice(at, t.start);
    at = t.end;
  }
  title = (title + text.slice(at)).replace(/\s+/g, " ").trim();
  // A line that is nothing but recognised words keeps them as its title.
  out.title = title || text.trim();
  return out;
}
