/**
 * Deadlines in the organisation's time zone (admin settings), the same in mail, on the
 * participant's page and in the leaders' views: "Friday 4 December at 17:00 CET".
 */
export function formatDeadline(iso: string, timeZone: string, locale = "en-GB"): string {
  const at = new Date(iso);
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone, ...options }).format(at);
  const zone =
    new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  const day = part({ weekday: "long", day: "numeric", month: "long" }).replace(",", "");
  const time = part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return `${day} at ${time} ${zone}`;
}

/** "3 days left", "5 hours left", "under an hour left", or null once it has passed. */
export function timeLeft(iso: string, now: Date): string | null {
  const ms = Date.parse(iso) - now.getTime();
  if (ms <= 0) return null;
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 48) return `${Math.floor(hours / 24)} days left`;
  if (hours >= 1) return `${hours} ${hours === 1 ? "hour" : "hours"} left`;
  return "under an hour left";
}
