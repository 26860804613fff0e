import { beforeAll, describe, expect, it } from "vitest";
import { apiClient, checkBothWidths, useBrowserSuite } from "../helpers/browser.js";
import { missing, taking, topics } from "./live-crowd.js";

/**
 * Issue 12: a participant sees the deadlines in the organisation's time zone and, once they
 * reached their rating target, what is rising to the top. 1280 and 360 px, axe 0.
 */

const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

const facilitator = "facilitator@example.com";

describe("a participant while rating", () => {
  let id: string;
  const title = "Emerging: what should we change first?";

  beforeAll(async () => {
    const client = apiClient(e2e.url);
    const now = Date.now();
    const created = await client.expectStatus(201, "POST", "/api/conversations", {
      as: facilitator,
      body: {
        template: "custom",
        title,
        prompt: "What should we change first next year?",
        settings: { ratingTarget: 3 },
        schedule: {
          sharingAt: new Date(now + 60 * 60_000).toISOString(),
          ratingAt: new Date(now + 2 * 86_400_000).toISOString(),
          closingAt: new Date(now + 4 * 86_400_000).toISOString(),
        },
      },
      idempotent: true,
    });
    id = created.body.id;
    for (const to of ["sharing"]) {
      await client.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
        as: facilitator,
        body: { to },
      });
    }
    await Promise.all(
      taking.map((author, i) =>
        client.expectStatus(201, "POST", `/api/conversations/${id}/thoughts`, {
          as: author,
          body: { text: `${topics[i % topics.length]} (${i + 1})` },
          idempotent: true,
        }),
      ),
    );
    await client.expectStatus(200, "POST", `/api/conversations/${id}/transition`, {
      as: facilitator,
      body: { to: "rating" },
    });
    await Promise.all(
      taking.map(async (rater, i) => {
        const batch = await client.expectStatus(200, "GET", `/api/conversations/${id}/rating-batch`, {
          as: rater,
        });
        for (const [j, thought] of (batch.body.thoughts as { id: string }[]).entries()) {
          await client.expectStatus(200, "PUT", `/api/conversations/${id}/ratings/${thought.id}`, {
            as: rater,
            body: { stars: ((i + j) % 5) + 1 },
          });
        }
      }),
    );
    const s = e2e.server.services;
    await s.rankingSnapshots.refresh(s.thoughts, id, new Date());
  }, 180_000);

  it("sees the deadline, and what is rising once at the target; a newcomer sees how many to go", async () => {
    const participant = await e2e.signedIn(taking[0]!);
    await participant.goto(`/c/${id}`);
    const rising = participant.getByRole("region", { name: "Rising to the top" });
    await rising.getByRole("listitem").first().waitFor();
    expect(await rising.getByRole("listitem").count()).toBe(5);
    await rising
      .getByText(/Average \d\.\d of 5 from \d+ ratings/)
      .first()
      .waitFor();
    await participant.getByText(/^Rating ends \w+day \d+ \w+ at \d\d:\d\d (UTC|GMT)/).waitFor();
    await checkBothWidths(participant, "participant emerging");

    const newcomer = await e2e.signedIn(missing);
    await newcomer.goto(`/c/${id}`);
    await newcomer
      .getByText("Rate 3 more thoughts to see which thoughts are rising to the top so far.")
      .waitFor();
    expect(
      await newcomer.getByRole("region", { name: "Rising to the top" }).getByRole("listitem").count(),
    ).toBe(0);
    await checkBothWidths(newcomer, "participant emerging newcomer");
  });
});
