import type { NewPerson } from "../../repositories/directory.js";

/**
 * The company issue 9 was attacked on: 60 people across 7 departments (the smallest of 6) and 5
 * locations (London has 3 people, all managers). Used by test/integration/table-joins.test.ts
 * and by `npm run demo:issue9`, which loads it into a data folder for `npm run audit:anonymity`.
 * Department names differ from the starter directory's, so the conversation's audience is
 * exactly these 60.
 */
export const issueNineDepartments = [
  "Field Sales",
  "Platform",
  "Support",
  "Treasury",
  "Brand",
  "Logistics",
  "Legal",
];
const departmentSizes = [14, 12, 9, 7, 6, 6, 6];
const locations = ["Berlin", "Remote", "New York", "Paris", "London"];

export function issueNineDirectory(): NewPerson[] {
  const people: NewPerson[] = [];
  let n = 0;
  departmentSizes.forEach((size, d) => {
    for (let i = 0; i < size; i++, n++) {
      // London: 3 people, all managers; the rest spread over four offices.
      const location = n % 20 === 7 ? "London" : locations[n % 4]!;
      people.push({
        email: `p${n}@issue9.example.com`,
        name: `Person ${n}`,
        role: "employee",
        active: true,
        attributes: {
          department: issueNineDepartments[d]!,
          location,
          level: location === "London" || i === 0 ? "Manager" : "IC",
        },
      });
    }
  });
  return people;
}

export type IssueNineCall = (
  email: string,
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

const expect = (reply: { status: number; body: unknown }, status: number, what: string) => {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
};

/**
 * The issue's conversation through the API: two thirds of the 60 share one or two thoughts (40
 * authors, 60 thoughts), half rate one batch each and skip now and then. With `close`, the
 * facilitator closes it, which computes the report (the audit then checks its releases too).
 */
export async function runIssueNineConversation(
  call: IssueNineCall,
  options: { facilitator: string; close?: boolean },
): Promise<{ conversationId: string; thoughts: number; ratings: number }> {
  const people = issueNineDirectory();
  const created = expect(
    await call(options.facilitator, "POST", "/api/conversations", {
      template: "strategy-input",
      title: "Issue 9: sixty people, seven departments",
      audience: { kind: "segments", segments: { department: issueNineDepartments } },
    }),
    201,
    "create",
  );
  const conversationId = (created.body as { id: string }).id;
  expect(
    await call(options.facilitator, "POST", `/api/conversations/${conversationId}/transition`, {
      to: "sharing",
    }),
    200,
    "open for sharing",
  );
  let thoughts = 0;
  for (const [i, person] of people.entries()) {
    if (i % 3 === 2) continue;
    for (let t = 0; t <= i % 3; t++) {
      expect(
        await call(person.email, "POST", `/api/conversations/${conversationId}/thoughts`, {
          text: `Idea ${t} from contributor ${i}: we should change how planning works for our team.`,
        }),
        201,
        "share",
      );
      thoughts++;
    }
  }
  expect(
    await call(options.facilitator, "POST", `/api/conversations/${conversationId}/transition`, {
      to: "rating",
    }),
    200,
    "open for rating",
  );
  let ratings = 0;
  for (const [i, person] of people.entries()) {
    if (i % 2 === 1) continue;
    const batch = expect(
      await call(person.email, "GET", `/api/conversations/${conversationId}/rating-batch`),
      200,
      "rating batch",
    );
    for (const [j, thought] of (batch.body as { thoughts: { id: string }[] }).thoughts.entries()) {
      const verdict = (i + j) % 5 === 4 ? { skip: true } : { stars: 1 + ((i + j) % 5) };
      expect(
        await call(
          person.email,
          "PUT",
          `/api/conversations/${conversationId}/ratings/${thought.id}`,
          verdict,
        ),
        200,
        "rate",
      );
      if ("stars" in verdict) ratings++;
    }
  }
  if (options.close) {
    expect(
      await call(options.facilitator, "POST", `/api/conversations/${conversationId}/transition`, {
        to: "closed",
      }),
      200,
      "close",
    );
  }
  return { conversationId, thoughts, ratings };
}
