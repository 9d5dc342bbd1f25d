// Dates as the user sees them: "today" is the date on this browser's clock in this browser's
// zone (never UTC), the zone is sent to the API as `tz`, and due dates read Today, Tomorrow or
// a weekday when they are close.
import type { Task } from "@todo-api/client";

/** TZ_COOKIE is where the browser leaves its IANA zone for the server's first screen. */
export const TZ_COOKIE = "tz";
/**
 * TZ_OFFSET_COOKIE keeps the UTC offset (minutes, as getTimezoneOffset) the zone had when it
 * was written: while the offset is the same the zone is not asked again (see rememberZone).
 */
export const TZ_OFFSET_COOKIE = "tzo";

/** timeZone is the browser's IANA zone (`America/New_York`), what the API takes as `tz`. */
export function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** cookieValue reads a cookie of this page (decoded), or undefined. */
function cookieValue(name: string): string | undefined {
  const c = document.cookie.split("; ").find((kv) => kv.startsWith(`${name}=`));
  return c === undefined ? undefined : decodeURIComponent(c.slice(name.length + 1));
}

/**
 * rememberZone leaves the browser's zone in TZ_COOKIE for the server's next first screen. The
 * zone's name costs the first Intl formatter of the page (50–100 ms of a busy phone's main
 * thread: ICU loads its data), so it is only asked when there is no cookie yet or the clock's
 * offset changed since it was written (a journey, or a change to or from summer time).
 */
export function rememberZone(): void {
  const offset = String(new Date().getTimezoneOffset());
  if (cookieValue(TZ_COOKIE) && cookieValue(TZ_OFFSET_COOKIE) === offset) return;
  const attrs = "path=/; max-age=31536000; samesite=lax";
  document.cookie = `${TZ_COOKIE}=${encodeURIComponent(timeZone())}; ${attrs}`;
  document.cookie = `${TZ_OFFSET_COOKIE}=${offset}; ${attrs}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** localDate is YYYY-MM-DD of d in the browser's zone. */
export function localDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** localTime is HH:MM:SS of d in the browser's zone. */
export function localTime(d: Date = new Date()): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** addDays moves a YYYY-MM-DD date by n days (calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n));
  return t.toISOString().slice(0, 10);
}

/** Now is the moment the list is drawn for: the local date and time, refreshed every minute. */
export interface Now {
  date: string;
  time: string;
}

export function nowLocal(d: Date = new Date()): Now {
  return { date: localDate(d), time: localTime(d) };
}

/**
 * isOverdue says what the API's `overdue` says, on the user's wall clock: a task with a due
 * time once that time has passed, one without once its day is over.
 */
export function isOverdue(t: Pick<Task, "completed" | "due_date" | "due_time">, now: Now): boolean {
  if (t.completed || !t.due_date) return false;
  if (t.due_date !== now.date) return t.due_date < now.date;
  return t.due_time !== null && `${t.due_time}:00` < now.time;
}

const utcDay = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
};

/**
 * Formatters by their options, each made once: `Date.toLocaleDateString(locale, options)`
 * builds a new ICU formatter on every call (about 0.4 ms here), and the list labels every due
 * date while it hydrates — a third of the dashboard's own script time on a page load.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** utcFormat writes d (a UTC wall-clock date or time) as the user's locale does. */
function utcFormat(d: Date, options: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(options);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" });
    formatters.set(key, f);
  }
  return f.format(d);
}

/**
 * Labels made so far, by date, time and today. The server's first screen sends the ones it
 * wrote (seedLabels), so hydrating the list formats nothing: the page's first Intl formatter
 * (ICU loading its data, 50–100 ms on a busy phone) waits until a label is new.
 */
const labels = new Map<string, string>();
const MAX_LABELS = 2000;

function remember(key: string, make: () => string): string {
  let l = labels.get(key);
  if (l === undefined) {
    if (labels.size >= MAX_LABELS) labels.clear();
    l = make();
    labels.set(key, l);
  }
  return l;
}

/** Task is what a due label is made of. */
type Due = Pick<Task, "due_date" | "due_time">;

/** labelsFor returns the due labels of tasks for today (the server's first screen sends them). */
export function labelsFor(tasks: Due[], today: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tasks) if (t.due_date) out[labelKey(t.due_date, t.due_time, today)] = dueLabel(t.due_date, t.due_time, today);
  return out;
}

/** seedLabels takes the labels the server wrote into the first screen (labelsFor). */
export function seedLabels(seed: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(seed ?? {})) if (!labels.has(k)) labels.set(k, v);
}

const labelKey = (date: string, time: string | null, today: string) => `${date}|${time ?? ""}|${today}`;

/** dayLabel is Today, Tomorrow, Yesterday, a weekday within the coming week, else "Dec 7" (and the year when it is another). */
export function dayLabel(date: string, today: string): string {
  return remember(labelKey(date, null, today), () => makeDayLabel(date, today));
}

function makeDayLabel(date: string, today: string): string {
  // Today unknown (rendered on a server that does not know the user's zone): the date itself.
  if (!today) return utcFormat(utcDay(date), { month: "short", day: "numeric" });
  if (date === today) return "Today";
  if (date === addDays(today, 1)) return "Tomorrow";
  if (date === addDays(today, -1)) return "Yesterday";
  if (date > today && date <= addDays(today, 6)) return utcFormat(utcDay(date), { weekday: "long" });
  return utcFormat(utcDay(date), date.slice(0, 4) === today.slice(0, 4) ? { month: "short", day: "numeric" } : { month: "short", day: "numeric", year: "numeric" });
}

/** timeLabel is "17:00" as the user's locale writes a time ("5:00 PM"). */
export function timeLabel(time: string): string {
  const [h, m] = time.split(":").map(Number);
  return utcFormat(new Date(Date.UTC(1970, 0, 1, h ?? 0, m ?? 0)), { hour: "numeric", minute: "2-digit" });
}

/** dueLabel is a due date (and time) as shown on a task: "Today", "Tomorrow 5:00 PM", "Friday". */
export function dueLabel(date: string, time: string | null, today: string): string {
  return time ? remember(labelKey(date, time, today), () => `${dayLabel(date, today)} ${timeLabel(time)}`) : dayLabel(date, today);
}
