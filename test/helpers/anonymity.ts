/**
 * DESIGN §3.1: nothing stored or logged may link a person to a thought. A record "links" when it
 * holds a person's id or email together with a thought's id or text. Returns every violation.
 */
export function findPersonThoughtLinks(
  records: readonly unknown[],
  people: readonly { id: string; email: string }[],
  thoughts: readonly { id: string; text: string }[],
): string[] {
  const violations: string[] = [];
  for (const record of records) {
    const text = typeof record === "string" ? record : JSON.stringify(record);
    const lower = text.toLowerCase();
    const person = people.find((p) => text.includes(p.id) || lower.includes(p.email.toLowerCase()));
    if (!person) continue;
    const thought = thoughts.find((t) => text.includes(t.id) || text.includes(t.text.slice(0, 40)));
    if (thought) violations.push(`${person.email} ~ thought ${thought.id}: ${text.slice(0, 300)}`);
  }
  return violations;
}

/** DESIGN §3.3: thoughts carry no timestamp finer than the day. */
export function finerThanDay(item: Record<string, unknown>): string[] {
  return Object.entries(item).flatMap(([name, value]) =>
    typeof value === "string" && /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? [name] : [],
  );
}
