import { describe, expect, it } from "vitest";
import { normaliseText, screenThought } from "../../functions/domain/screen.js";

describe("screening thoughts", () => {
  it("removes email addresses", () => {
    const result = screenThought("Write to jane.doe+team@corp.example.co.uk about it.");
    expect(result.text).toBe("Write to [email removed] about it.");
    expect(result.warnings).toEqual(["email"]);
  });

  it.each(["+49 30 1234 5678", "(555) 123-4567", "555-123-4567", "+1 415 555 0100", "0171 2345678"])(
    "removes the phone number %s",
    (phone) => {
      const result = screenThought(`Call ${phone} any time.`);
      expect(result.text).toBe("Call [phone removed] any time.");
      expect(result.warnings).toContain("phone");
    },
  );

  it.each([
    "We grew 10,000 customers in 2025.",
    "Plan for 2026-2027 is unclear.",
    "Revenue of 1.5 million in Q3 2026",
    "Version 3.14.15 broke the build",
  ])("keeps ordinary numbers: %s", (text) => {
    expect(screenThought(text)).toEqual({ text, warnings: [], needsReview: false });
  });

  it("flags thoughts that seem to name people", () => {
    expect(screenThought("I think Peter Miller blocks every decision.").needsReview).toBe(true);
    expect(screenThought("Ask @jsmith about the budget.").needsReview).toBe(true);
    expect(screenThought("Our New York office needs more space.").needsReview).toBe(false);
    expect(screenThought("Customer Success should own onboarding.").needsReview).toBe(false);
    expect(screenThought("Hiring is slow. Onboarding takes weeks.").needsReview).toBe(false);
  });

  it("normalises whitespace so limits count what people see", () => {
    expect(normaliseText("  a\r\n\r\n\r\n\r\nb  \t\n")).toBe("a\n\nb");
  });
});
