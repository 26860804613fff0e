import { describe, expect, it } from "vitest";
import type { Conversation } from "../../functions/domain/conversation.js";
import { formatDeadline, timeLeft } from "../../functions/domain/deadline.js";
import { ratedText } from "../../functions/domain/rating-progress.js";
import { invitation, ratingReminder } from "../../functions/notify/templates.js";

/** Issue 12, defect 5: the texts people read about deadlines and their own progress. */
const conversation = {
  id: "c1",
  title: "Strategy 2027",
  prompt: "What should we change next year?",
  schedule: {
    sharingAt: "2026-12-01T08:00:00Z",
    ratingAt: "2026-12-03T16:00:00Z",
    closingAt: "2026-12-04T16:00:00Z",
  },
  settings: { ratingTarget: 20 },
} as unknown as Conversation;
const berlin = { appUrl: "https://gs.example.com", organisation: "Acme", timeZone: "Europe/Berlin" };

describe("deadlines in the organisation's time zone", () => {
  it("writes the day and time where the organisation is, with its zone", () => {
    expect(formatDeadline("2026-12-04T16:00:00Z", "Europe/Berlin")).toBe("Friday 4 December at 17:00 CET");
    expect(formatDeadline("2026-12-04T16:00:00Z", "UTC")).toBe("Friday 4 December at 16:00 UTC");
    // Across midnight the day moves too.
    expect(formatDeadline("2026-12-04T23:30:00Z", "Asia/Tokyo")).toBe("Saturday 5 December at 08:30 GMT+9");
  });

  it("mail says the deadline in that zone, not in UTC", () => {
    expect(invitation(berlin, conversation, "a@example.com").text).toContain(
      "until Thursday 3 December at 17:00 CET",
    );
    expect(ratingReminder(berlin, conversation, "a@example.com", { rated: 0, waiting: 5 }).text).toContain(
      "until Friday 4 December at 17:00 CET",
    );
  });

  it("says how long is left, and nothing once it has passed", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    expect(timeLeft("2026-12-04T16:00:00Z", now)).toBe("3 days left");
    expect(timeLeft("2026-12-01T17:30:00Z", now)).toBe("5 hours left");
    expect(timeLeft("2026-12-01T12:40:00Z", now)).toBe("under an hour left");
    expect(timeLeft("2026-12-01T11:00:00Z", now)).toBeNull();
  });
});

describe("rating reminders count what is really waiting", () => {
  it("asks for the thoughts that exist, not the target: 5 waiting, target 20", () => {
    const mail = ratingReminder(berlin, conversation, "a@example.com", { rated: 0, waiting: 5 });
    expect(mail.subject).toBe("Reminder: 5 thoughts are waiting for your rating");
    expect(mail.text).toContain("Rating 5 more would help");
  });

  it("asks for what the target leaves when more are waiting, in the singular for one", () => {
    const near = ratingReminder(berlin, conversation, "a@example.com", { rated: 19, waiting: 40 });
    expect(near.subject).toBe("Reminder: 1 thought is waiting for your rating");
    expect(near.text).toContain("You have rated 19 thoughts so far.");
  });
});

describe("a person's ratings against their target", () => {
  it("never says more of than the target", () => {
    expect(ratedText(12, 20)).toBe("12 of 20 rated");
    expect(ratedText(20, 20)).toBe("20 rated (target 20 reached)");
    expect(ratedText(28, 20)).toBe("28 rated (target 20 reached)");
  });
});
