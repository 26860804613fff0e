import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initialStatus, prepareText, screenThought, withReview } from "../../functions/domain/screen.js";
import { placeholders } from "../../functions/domain/screen-contacts.js";
import { cleanText, normaliseText } from "../../functions/domain/screen-text.js";

const E = placeholders.email;
const P = placeholders.phone;

/**
 * The redaction corpus (issue 9, attack 6): each variant is written the way someone hiding an
 * address or number from a filter would, inside a sentence, and the test names exactly what
 * survives. Invisible characters are written as escapes so the corpus reads as it attacks.
 */
const contactCorpus: readonly (readonly [string, string])[] = [
  // Emails: plain, then with invisible characters inside.
  ["Write to jane.doe@corp.com today.", `Write to ${E} today.`],
  ["Write to jane.doe+team@corp.example.co.uk about it.", `Write to ${E} about it.`],
  ["Mail Jane_Doe-2@sub.corp.io now", `Mail ${E} now`],
  ["Ask jane\u200B.doe@corp.com", `Ask ${E}`],
  ["Ask jane.doe@\u200Dcorp.com", `Ask ${E}`],
  ["Ask ja\u2060ne@corp.com", `Ask ${E}`],
  ["Ask jane\uFEFF@corp.com", `Ask ${E}`],
  ["Ask jane\u00ADdoe@corp.com", `Ask ${E}`],
  ["Ask jane\u202E@corp.com", `Ask ${E}`],
  ["Ask jane\u2066@corp\u2069.com", `Ask ${E}`],
  ["Ask jane\u0000@corp.com", `Ask ${E}`],
  ["Ask jane\u{E0041}@corp.com", `Ask ${E}`],
  // Full-width and other compatibility forms (NFKC).
  ["Ask jane.doe＠corp.com", `Ask ${E}`],
  ["Ask ｊａｎｅ＠ｃｏｒｐ．ｃｏｍ", `Ask ${E}`],
  ["Ask jane﹫corp.com", `Ask ${E}`],
  // Spaced forms.
  ["Ask jane.doe @ corp.com", `Ask ${E}`],
  ["Ask jane @corp.com please", `Ask ${E} please`],
  ["Ask jane . doe @ corp . com", `Ask ${E}`],
  ["Ask j a n e @ c o r p . c o m", `Ask ${E}`],
  ["Ask jane@\ncorp.com", `Ask ${E}`],
  // Spelled-out and bracketed "at" and "dot".
  ["Ask jane(at)corp.com", `Ask ${E}`],
  ["Ask jane [at] corp [dot] com", `Ask ${E}`],
  ["Ask jane{at}corp{dot}com", `Ask ${E}`],
  ["Ask jane<at>corp<dot>com", `Ask ${E}`],
  ["Ask jane (at) corp (dot) co (dot) uk", `Ask ${E}`],
  ["Ask jane dot doe at corp dot com", `Ask ${E}`],
  ["Ask JANE AT CORP DOT COM", `Ask ${E}`],
  ["Ask jane at corp dot com", `Ask ${E}`],
  ["Ask jane.doe at corp.com", `Ask ${E}`],
  ["Ask jane@corp[.]com", `Ask ${E}`],
  ["Ask jane@corp(.)com", `Ask ${E}`],
  ["Ask jane&#64;corp.com", `Ask ${E}`],
  ["Ask jane%40corp.com", `Ask ${E}`],
  ["Link mailto:jane@corp.com", `Link mailto:${E}`],
  ["Ask me at someone.else@example.org", `Ask me at ${E}`],
  ["Look at jane.doe@corp.com now", `Look at ${E} now`],
  // Other scripts: a Cyrillic а inside, an internationalised domain.
  ["Ask j\u0430ne@corp.com", `Ask ${E}`],
  ["Ask jürgen@bücher.de", `Ask ${E}`],
  // Phone numbers.
  ["Call +49 30 1234 5678 any time.", `Call ${P} any time.`],
  ["Call (555) 123-4567 any time.", `Call ${P} any time.`],
  ["Call 555-123-4567 any time.", `Call ${P} any time.`],
  ["Call +1 415 555 0100 any time.", `Call ${P} any time.`],
  ["Call +1-415-555-0100 any time.", `Call ${P} any time.`],
  ["Call 0171 2345678 any time.", `Call ${P} any time.`],
  ["Call 555.123.4567 any time.", `Call ${P} any time.`],
  ["Call +44 (0)20 7946 0958 any time.", `Call ${P} any time.`],
  ["Call 030/1234567 any time.", `Call ${P} any time.`],
  ["Call (030) 1234 5678 any time.", `Call ${P} any time.`],
  ["Call 0049 30 12345678 any time.", `Call ${P} any time.`],
  ["Call 01.23.45.67.89 any time.", `Call ${P} any time.`],
  ["Call +33 1 23 45 67 89 any time.", `Call ${P} any time.`],
  ["Call 555–123–4567 any time.", `Call ${P} any time.`],
  ["Dial tel:+4930123456 now", `Dial tel:${P} now`],
  // Phone numbers with full-width digits, invisible characters, other scripts.
  ["Call ０１７１ ２３４５６７８ any time.", `Call ${P} any time.`],
  ["Call 0171\u200B2345678 any time.", `Call ${P} any time.`],
  ["Call 555\u00AD123\u00AD4567 any time.", `Call ${P} any time.`],
  ["Call +٤٩ ٣٠ ١٢٣٤ ٥٦٧٨ any time.", `Call ${P} any time.`],
  // Letters for digits inside a digit run.
  ["Call 555-O123-4567 any time.", `Call ${P} any time.`],
  ["Call +49 3O 1234 5678 any time.", `Call ${P} any time.`],
  ["Call 0l71 2345678 any time.", `Call ${P} any time.`],
  ["Call 555-I23-4567 any time.", `Call ${P} any time.`],
  // Spaced and spelled-out digits.
  ["Call 5 5 5 1 2 3 4 5 6 7 any time.", `Call ${P} any time.`],
  ["Call five five five one two three four five six seven any time.", `Call ${P} any time.`],
  ["Call five-five-five, one-two-three, four-five-six-seven.", `Call ${P}.`],
  // Short numbers count when the words around say "phone".
  ["Call me on 555 1234 tonight", `Call me on ${P} tonight`],
  ["phone: 555 12 34", `phone: ${P}`],
  ["Ring me on 612 345 678 tomorrow", `Ring me on ${P} tomorrow`],
  ["My number is 612 345 678.", `My number is ${P}.`],
  ["WhatsApp 0171-234-5678", `WhatsApp ${P}`],
  // Both at once.
  ["Call 555-123-4567 or mail jane@corp.com", `Call ${P} or mail ${E}`],
  ["jane.doe@corp.com, +49 30 1234 5678", `${E}, ${P}`],
  // A number that is not one must not shield the phone number beside it.
  ["In 2024-2026 555-123-4567 was the hotline", `In 2024-2026 ${P} was the hotline`],
  ["Ticket 12345678 555-123-4567", `Ticket 12345678 ${P}`],
];

/** Ordinary writing that looks a little like contact details and must survive untouched. */
const survivors: readonly string[] = [
  "We grew 10,000 customers in 2025.",
  "Plan for 2026-2027 is unclear.",
  "Plans for 2024–2026 and 2027–2029 overlap.",
  "Fiscal year 2025/2026 starts in April.",
  "Between 2019 and 2024 we doubled.",
  "Revenue of 1.5 million in Q3 2026",
  "We spent $1,250,000 last year.",
  "Budget €12 500 000 approved.",
  "Price is 1.299,00 EUR per seat.",
  "12 345 678 units shipped.",
  "We have 12000000 users and 10000000 in funding.",
  "From 1000–2000 people took part.",
  "Growth of 12.5% in 2025 and 99.99999% uptime.",
  "Version 3.14.15 broke the build",
  "Upgrade to v10.12.2024 soon.",
  "Release 2024.05.01 shipped late.",
  "Meeting 09:00-17:30 every day.",
  "Meet at 10:30 on 2024-05-01.",
  "Dates: 01.05.2024 to 30.06.2024.",
  "Server 192.168.100.200 is down again.",
  "Ticket 12345678 is still open.",
  "ISBN 978-3-16-148410-0 is the handbook.",
  "Hire 20-30 engineers by Q3.",
  "Room 1.21 on floor 3.",
  "Coordinates 52.5200, 13.4050 for the office.",
  "Look at amazon.com for ideas.",
  "Our team at acme.com is great.",
  "Email is the wrong channel at times.",
  "We are at 3.5 stars on the store.",
  "Order A1234567 shipped.",
];

describe("redaction corpus", () => {
  it("has at least 60 variants", () => {
    expect(contactCorpus.length).toBeGreaterThanOrEqual(60);
  });

  it.each(contactCorpus)("%j keeps only %j", (input, survives) => {
    const result = screenThought(input);
    expect(result.text).toBe(survives);
    expect(result.warnings.length).toBeGreaterThan(0);
  });

  it.each(survivors)("leaves %j alone", (text) => {
    expect(screenThought(text)).toMatchObject({ text, warnings: [], needsReview: false });
  });

  it("names what it removed", () => {
    expect(screenThought("Mail jane@corp.com").warnings).toEqual(["email"]);
    expect(screenThought("Call 555-123-4567").warnings).toEqual(["phone"]);
  });

  it("is idempotent, so the OpenAI path can redact what was stored again", () => {
    for (const [input] of contactCorpus) {
      const once = screenThought(input).text;
      expect(screenThought(once).text).toBe(once);
    }
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        const once = screenThought(text).text;
        expect(screenThought(once).text).toBe(once);
      }),
    );
  });
});

describe("cleaning before anything looks at the text", () => {
  it.each([
    ["NUL and other controls", "Ship\u0000 fa\u0007ster\u009B", "Ship faster"],
    ["a right-to-left override", "\u202Eplan the budget", "plan the budget"],
    ["bidi isolates and marks", "a\u2067b\u2069c\u200Fd\u061Ce", "abcde"],
    ["zero-width characters inside a word", "Fi\u200Bsch\u200Cer\u2060", "Fischer"],
    ["tag characters that smuggle text to models", "ok\u{E0049}\u{E0067}\u{E006E}", "ok"],
    ["a Hangul filler posing as a letter", "a\u3164b", "ab"],
    ["full-width letters", "ｓｈｉｐ ｉｔ", "ship it"],
    ["a ligature", "ﬁnance", "finance"],
    ["no-break and ideographic spaces", "a\u00A0b\u3000c", "a b c"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\nb\nc"],
    ["a pile of combining marks", "Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307", "Z\u0301\u0302\u0303\u0304"],
  ])("removes %s", (_what, input, expected) => {
    expect(cleanText(input)).toBe(expected.normalize("NFKC"));
  });

  it("keeps newlines, emoji sequences and accents", () => {
    expect(cleanText("👩\u200D💻 devs\nand café")).toBe("👩\u200D💻 devs\nand café");
    expect(cleanText("❤️\u200D🔥")).toBe("❤️\u200D🔥");
  });

  it("stores what it screened: cleaned, normalised and redacted", () => {
    const result = screenThought("  \u202EShip\u0000 it ＠ once\r\n\r\n\r\n\r\nthen call 555-123-4567  ");
    expect(result.text).toBe(`Ship it @ once\n\nthen call ${P}`);
    expect(prepareText("a\u200B\r\n\r\n\r\nb ")).toBe("a\n\nb");
  });

  it("normalises whitespace so limits count what people see", () => {
    expect(normaliseText("  a\r\n\r\n\r\n\r\nb  \t\n")).toBe("a\n\nb");
  });
});

describe("what goes to a moderator", () => {
  it("flags @handles and titled names without any help", () => {
    expect(screenThought("Ask @jsmith about the budget.").reviewReasons).toEqual(["name"]);
    expect(screenThought("Talk to Mr. Fischer about it.").reviewReasons).toEqual(["name"]);
    expect(screenThought("Dr Patel knows.").needsReview).toBe(true);
  });

  it("does not take channel mentions, lower-case words after 'miss' or sentences for names", () => {
    for (const text of [
      "We miss the old office.",
      "Hiring is slow. Onboarding takes weeks.",
      "Our New York office needs more space.",
      "Customer Success should own onboarding.",
      "@channel pings are too frequent.",
    ]) {
      expect(screenThought(text).needsReview, text).toBe(false);
    }
  });

  it("flags abusive words with their own reason, not as a name", () => {
    const result = screenThought("This plan is stupid.");
    expect(result.reviewReasons).toEqual(["language"]);
    expect(result.warnings).toEqual(["language"]);
  });

  it("adds the server's findings with withReview", () => {
    const result = withReview(screenThought("Ship faster."), ["directory", "model"]);
    expect(result).toMatchObject({
      needsReview: true,
      reviewReasons: ["directory", "model"],
      warnings: ["name", "model"],
    });
  });

  it("holds a flagged thought for a moderator in every moderation mode", () => {
    const flagged = screenThought("Talk to Mr. Fischer.");
    const clean = screenThought("Ship faster.");
    expect(initialStatus("post", flagged)).toBe("pending");
    expect(initialStatus("pre", flagged)).toBe("pending");
    expect(initialStatus("post", clean)).toBe("visible");
    expect(initialStatus("pre", clean)).toBe("pending");
  });
});

describe("redaction against generated addresses", () => {
  const invisible = [
    "\u200B",
    "\u200C",
    "\u200D",
    "\u2060",
    "\uFEFF",
    "\u00AD",
    "\u202E",
    "\u2066",
    "\u0000",
  ];
  /** Hides an address the ways the corpus does: invisible characters, full-width forms, spaces. */
  const disguised = (address: string, choices: readonly number[]) =>
    [...address]
      .map((ch, i) => {
        const choice = choices[i % choices.length]!;
        if (choice === 1) return `${ch}${invisible[i % invisible.length]}`;
        if (choice === 2 && ch >= "!" && ch <= "~") return String.fromCodePoint(ch.codePointAt(0)! + 0xfee0);
        if (choice === 3 && ch === "@") return " @ ";
        return ch;
      })
      .join("");

  it("leaves no address behind, however it is disguised", () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }),
        (address, choices) => {
          const result = screenThought(`Write to ${disguised(address, choices)} today.`);
          expect(result.text).not.toContain("@");
          expect(result.warnings).toContain("email");
        },
      ),
      { numRuns: 300 },
    );
  });
});
