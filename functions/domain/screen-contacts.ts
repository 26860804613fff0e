/**
 * DESIGN §3.5: emails and phone numbers are removed before a thought is stored or sent to a model.
 * Runs on cleaned text (screen-text.ts), so zero-width and full-width tricks are already gone.
 * Each detector finds lenient candidates — spaced, bracketed and spelled-out forms included —
 * and then rejects what ordinary writing looks like (years, ranges, dates, money, percentages,
 * versions, times, addresses), because a false positive rewrites someone's words.
 */
export type ContactKind = "email" | "phone";

export const placeholders: Record<ContactKind, string> = {
  email: "[email removed]",
  phone: "[phone removed]",
};

// ——— emails ———

/** RFC 5322 atext, in any script. */
const localChar = String.raw`[\p{L}\p{N}!#$%&'*+/=?^_\x60{|}~\-]`;
const label = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?`;
/** "dot" spelled out or bracketed: `(dot)`, `[.]`, ` dot `, `&#46;`. */
const dotWord = String.raw`\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|&#0*46;|&period;`;
const dot = String.raw`(?:\.|\s+\.\s+|${dotWord})`;
const atSign = String.raw`\s*@\s*|\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|&#0*64;|&commat;|%40`;
const atWord = String.raw`\s+at\s+`;
const emailCandidate = new RegExp(
  String.raw`(?<!${localChar}|[.@])(${localChar}+(?:${dot}${localChar}+)*)(${atSign}|${atWord})(${label}(?:${dot}${label})*${dot}\p{L}{2,})(?![\p{L}\p{N}\-]|\.[\p{L}\p{N}])`,
  "giu",
);
const joinedByDotWord = new RegExp(`(?:${dotWord})`, "iu");
/**
 * Words that ordinary sentences put before "at" ("look at acme dot com"): with a plain " at " and
 * a one-word local part, they are not an address. An address written "jane at corp dot com" still is.
 */
const notLocalParts = new Set(
  (
    "look looking looked looks good great bad better best worse here there home work working me us them " +
    "him her it this that and or be is are was were been arrive arrived stay stayed even not only just all " +
    "both aim aimed point pointed meet team teams people everyone someone office staff folks colleagues " +
    "engineers customers users sales we they you i sit stand started start"
  ).split(" "),
);

function isEmail(local: string, at: string, domain: string): boolean {
  if (!/^\s+at\s+$/i.test(at)) return true;
  // A spelled-out "at" is weak evidence: it needs a multi-part local part or a spelled-out dot.
  const multiPart = /[._%+-]|\d/.test(local) || joinedByDotWord.test(local) || /\s\.\s/.test(local);
  if (multiPart) return true;
  return joinedByDotWord.test(domain) && !notLocalParts.has(local.toLowerCase());
}

// ——— phone numbers ———

/** A digit group; the letters O, o, I and l stand in for 0 and 1 only inside a group with a real digit. */
const group = String.raw`[\p{Nd}OoIl]*\p{Nd}[\p{Nd}OoIl]*`;
const phoneCandidate = new RegExp(
  String.raw`(?<![\p{L}\p{N}_]|\p{N}[.\-])(?:\+\s?|00\s?)?\(?${group}(?:[\s.\-–—()/]{1,3}${group})*\)?(?![\p{L}\p{N}_])`,
  "gu",
);
const digitWord = "(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)";
/** "five five five, one two three…": seven or more digits spelled out in a row. */
const spelledDigits = new RegExp(
  String.raw`(?<![\p{L}])(?:${digitWord}[\s,\-]+){6,}${digitWord}(?![\p{L}])`,
  "giu",
);
/** Words just before a number that make it a phone number. */
const phoneCue =
  /\b(?:call|phone|tel\b|telephone|mobile|cell\b|whats\s?app|sms|fax|dial|(?:reach|contact|text|ring)\s+(?:me|us|him|her|them)\b|number\s+is\b|number\s*:)[^\n\p{N}]{0,16}$/iu;
/** Words just before a number that make it something else: an identifier, a version, money. */
const otherCue =
  /\b(?:isbn|issn|doi|ticket|order|invoice|ref|reference|case|issue|pr|po|sku|id|serial|version|ver|release|build|rev|v)\.?\s?#?\s?$|[$€£¥₹₩₽¢]\s?$|\b(?:usd|eur|gbp|chf|jpy|inr|aud|cad)\s?$/iu;
/** What follows a number that is a quantity, not a phone number. */
const quantityAfter =
  /^\s?(?:%|‰|[$€£¥₹]|(?:k|m|bn|mn|million|billion|thousand|trillion|dollars?|euros?|pounds?|usd|eur|gbp|chf|people|persons|employees|users|customers|clients|units|items|downloads|views|visits|orders|sessions|requests|tickets|records|rows|lines|hours|days|years|km|miles|kg|tons|tonnes|bytes|kb|mb|gb|tb)\b)/iu;
const year = /^(?:19|20)\d\d$/;

/**
 * Any script's decimal digits as ASCII ("٤٩" is "49"), so the rules below read one alphabet. A
 * script's digits are ten consecutive code points from its zero (NFKC already folded the
 * mathematical digits, the one place where two such runs touch).
 */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const code = digit.codePointAt(0)!;
    let value = 0;
    while (value < 9 && /\p{Nd}/u.test(String.fromCodePoint(code - value - 1))) value++;
    return String(value);
  });
}

function digitsOf(candidate: string): { digits: string; substitutes: number } {
  let digits = "";
  let substitutes = 0;
  const standIns: Record<string, string> = { O: "0", o: "0", I: "1", l: "1" };
  for (const ch of candidate) {
    if (ch >= "0" && ch <= "9") digits += ch;
    else if (standIns[ch]) {
      digits += standIns[ch];
      substitutes++;
    }
  }
  return { digits, substitutes };
}

function isDate(groups: readonly string[], separators: readonly string[]): boolean {
  if (groups.length !== 3 || new Set(separators).size !== 1 || !/^[./-]$/.test(separators[0]!)) return false;
  const [a, b, c] = groups.map(Number) as [number, number, number];
  const [la, , lc] = groups.map((g) => g.length);
  const dayMonth = (d: number, m: number) => d >= 1 && d <= 31 && m >= 1 && m <= 12;
  if (la === 4) return dayMonth(c, b) || dayMonth(b, c);
  if (lc === 4 || lc === 2) return dayMonth(a, b) || dayMonth(b, a);
  return false;
}

function isIpAddress(groups: readonly string[], separators: readonly string[]): boolean {
  return (
    groups.length === 4 &&
    separators.every((s) => s === ".") &&
    groups.every((g) => g.length <= 3 && Number(g) <= 255)
  );
}

/** "12 345 678 units", "1.250.000": thousands grouping, unless a cue said it is a phone number. */
function isGroupedNumber(groups: readonly string[], separators: readonly string[]): boolean {
  return (
    groups.length >= 2 &&
    new Set(separators).size === 1 &&
    /^[ .]$/.test(separators[0]!) &&
    groups[0]!.length <= 3 &&
    groups.slice(1).every((g) => g.length === 3)
  );
}

/** "10000–20000 people": two groups joined by a typographic dash, the second larger: a range. */
function isRange(groups: readonly string[], separators: readonly string[]): boolean {
  return (
    groups.length === 2 &&
    /^[–—]$/.test(separators[0]!) &&
    !groups.some((g) => g.startsWith("0")) &&
    Number(groups[0]) < Number(groups[1]) &&
    Math.abs(groups[0]!.length - groups[1]!.length) <= 1
  );
}

function isPhone(written: string, before: string, after: string): boolean {
  const candidate = asciiDigits(written);
  const { digits, substitutes } = digitsOf(candidate);
  if (substitutes > 0 && substitutes * 3 > digits.length) return false;
  if (digits.length < 7 || digits.length > 15) return false;
  if (otherCue.test(before) || quantityAfter.test(after)) return false;
  const groups = candidate.match(/[0-9OoIl]+/g) ?? [];
  const separators = (candidate.match(/(?<=[0-9OoIl])[^0-9OoIl]+(?=[0-9OoIl])/g) ?? []).map((s) =>
    s.trim() === "" ? " " : s.trim(),
  );
  if (groups.length > 1 && groups.every((g) => year.test(g))) return false;
  if (isDate(groups, separators) || isIpAddress(groups, separators) || isRange(groups, separators)) {
    return false;
  }
  const cued = phoneCue.test(before);
  const phoneSyntax = /^(?:\+|00|\()/.test(candidate) || candidate.includes(")");
  if (!cued && !phoneSyntax && isGroupedNumber(groups, separators)) return false;
  // Round numbers written without separators: "10000000 in funding".
  if (!cued && !phoneSyntax && groups.length === 1 && /^[1-9]0{4,}$/.test(digits)) return false;
  return cued || phoneSyntax || digits.length >= 8;
}

// ——— putting it together ———

export interface Redaction {
  readonly text: string;
  readonly found: ReadonlySet<ContactKind>;
}

/** "j a n e @ c o r p . c o m": a run of single characters, each followed by one space. */
const spacedRun = /(?<!\S)(?:\S[ \u00A0]){4,}\S(?!\S)/gu;

function replaceEmails(text: string, found: Set<ContactKind>): string {
  let out = "";
  let done = 0;
  emailCandidate.lastIndex = 0;
  for (let match = emailCandidate.exec(text); match; match = emailCandidate.exec(text)) {
    const [whole, local, at, domain] = match as unknown as [string, string, string, string];
    if (!isEmail(local, at, domain)) {
      // "me at someone.else@example.org": the weak reading failed; look again one step further on.
      emailCandidate.lastIndex = match.index + 1;
      continue;
    }
    out += text.slice(done, match.index) + placeholders.email;
    done = match.index + whole.length;
    found.add("email");
  }
  return out + text.slice(done);
}

function replacePhones(text: string, found: Set<ContactKind>): string {
  let out = "";
  let done = 0;
  phoneCandidate.lastIndex = 0;
  for (let match = phoneCandidate.exec(text); match; match = phoneCandidate.exec(text)) {
    const end = match.index + match[0].length;
    if (
      !isPhone(match[0], text.slice(Math.max(0, match.index - 40), match.index), text.slice(end, end + 12))
    ) {
      // "2024-2026 555-123-4567" is one run: without its first group it may still be a number.
      const nextGroup = match[0].slice(1).search(/(?<=[^\p{Nd}OoIl])[\p{Nd}OoIl]/u);
      if (nextGroup >= 0) phoneCandidate.lastIndex = match.index + 1 + nextGroup;
      continue;
    }
    out += text.slice(done, match.index) + placeholders.phone;
    done = end;
    found.add("phone");
  }
  return (out + text.slice(done)).replace(spelledDigits, () => {
    found.add("phone");
    return placeholders.phone;
  });
}

/**
 * Replaces every email address and phone number in cleaned text with a placeholder. Idempotent:
 * redacting redacted text changes nothing, so the OpenAI path can redact again safely.
 */
export function redactContacts(text: string): Redaction {
  const found = new Set<ContactKind>();
  const collapsed = text.replace(spacedRun, (run) => {
    const joined = run.replace(/[ \u00A0]/g, "");
    const inner = new Set<ContactKind>();
    const redacted = replacePhones(replaceEmails(joined, inner), inner);
    if (inner.size === 0) return run;
    for (const kind of inner) found.add(kind);
    return redacted;
  });
  return { text: replacePhones(replaceEmails(collapsed, found), found), found };
}
