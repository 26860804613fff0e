import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const importCsv = (csv: string, dryRun = false) =>
  h.call("POST", `/api/directory/import?dryRun=${dryRun}`, {
    as: "admin@example.com",
    body: csv,
    headers: { "content-type": "text/csv" },
  });

describe("directory import", () => {
  it("checks a file in a dry run without writing, then imports and updates", async () => {
    const csv = [
      "email,name,role,Department,Location,Tenure band",
      "new.person@example.com,New Person,employee,Engineering,Berlin,under 1 year",
      '"second@example.com","Second, Person",leader,Sales,London,5+ years',
      "amara.okafor@example.com,Amara Okafor,employee,Product,Berlin,1-3 years",
    ].join("\n");
    const dry = await importCsv(csv, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 3, created: 2, updated: 1, unchanged: 0 });
    expect(dry.body.attributes).toEqual(["department", "location", "tenureBand"]);
    expect(
      (await h.call("POST", "/api/auth/dev/login", { body: { email: "new.person@example.com" } })).status,
    ).toBe(404);

    const real = await importCsv(csv);
    expect(real.body).toMatchObject({ dryRun: false, created: 2, updated: 1 });
    const login = await h.call("POST", "/api/auth/dev/login", { body: { email: "second@example.com" } });
    expect(login.body.person).toMatchObject({ name: "Second, Person", role: "leader" });
    const amara = await h.call("GET", "/api/me", { as: "amara.okafor@example.com" });
    expect(amara.body.attributes.department).toBe("Product");
    expect((await importCsv(csv)).body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });

  it("reports every bad row and imports nothing", async () => {
    const csv = [
      "email,name,role,department",
      "not-an-email,Someone,employee,Sales",
      "ok@example.com,,employee,Sales",
      "role@example.com,Role Person,superuser,Sales",
      "fine@example.com,Fine Person,,Sales",
      "fine@example.com,Fine Again,employee,Sales",
    ].join("\n");
    const reply = await importCsv(csv);
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toMatch(/nothing was imported/);
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "row 2.email",
      "row 3.name",
      "row 4.role",
      "row 6.email",
    ]);
    expect(
      (await h.call("POST", "/api/auth/dev/login", { body: { email: "fine@example.com" } })).status,
    ).toBe(404);
  });

  it("explains a missing header, an empty file and the wrong content type", async () => {
    expect((await importCsv("name,role\nX,employee")).body.errors[0].message).toMatch(/missing column/);
    expect((await importCsv("")).status).toBe(400);
    const json = await h.call("POST", "/api/directory/import", {
      as: "admin@example.com",
      body: { people: [] },
    });
    expect(json.status).toBe(415);
  });

  it("is for admins only", async () => {
    const reply = await h.call("POST", "/api/directory/import", {
      as: "facilitator@example.com",
      body: "email,name,role\n",
      headers: { "content-type": "text/csv" },
    });
    expect(reply.status).toBe(403);
  });
});

describe("directory changes during a conversation", () => {
  it("deactivates people missing from a full import, who can then no longer sign in", async () => {
    const h2 = await createHarness();
    const everyoneButZoe = (await h2.call("GET", "/api/directory", { as: "admin@example.com" })).body.people
      .filter((p: { email: string }) => p.email !== "zoe.williams@example.com")
      .map((p: { email: string; name: string; role: string; attributes: Record<string, string> }) =>
        [p.email, `"${p.name}"`, p.role, p.attributes.department ?? ""].join(","),
      );
    const csv = ["email,name,role,department", ...everyoneButZoe].join("\n");
    const reply = await h2.call("POST", "/api/directory/import?deactivateMissing=true", {
      as: "admin@example.com",
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(reply.body.deactivated).toBe(1);
    expect(
      (await h2.call("POST", "/api/auth/dev/login", { body: { email: "zoe.williams@example.com" } })).status,
    ).toBe(404);
  });

  it("keeps a person in the slice they joined with when their department changes (DESIGN §3.3)", async () => {
    const h2 = await createHarness();
    const id = await h2.openConversation("sharing");
    const ben = "ben.fischer@example.com";
    await h2.call("POST", `/api/conversations/${id}/thoughts`, {
      as: ben,
      body: { text: "Before the move." },
      idempotent: true,
    });
    await h2.call("POST", `/api/conversations/${id}/thoughts`, {
      as: "amara.okafor@example.com",
      body: { text: "Another one." },
      idempotent: true,
    });
    await h2.call("POST", "/api/directory/import", {
      as: "admin@example.com",
      body: `email,name,role,department,location,tenureBand\n${ben},Ben Fischer,employee,Sales,Berlin,3-5 years`,
      headers: { "content-type": "text/csv" },
    });
    expect((await h2.call("GET", "/api/me", { as: ben })).body.attributes.department).toBe("Sales");
    await h2.call("POST", `/api/conversations/${id}/thoughts`, {
      as: ben,
      body: { text: "After the move." },
      idempotent: true,
    });
    await h2.releaseRound(id);
    const batch = await h2.call("GET", `/api/conversations/${id}/rating-batch`, { as: ben });
    expect(batch.body.thoughts.length).toBeGreaterThan(0);
    const items = await h2.scanAll();
    const bens = items.filter((i) => String(i.sk).startsWith("THOUGHT#") && /move/.test(String(i.text)));
    expect(bens.map((i) => (i.attributes as Record<string, string>).department)).toEqual([
      "Engineering",
      "Engineering",
    ]);
    const assignments = items.filter((i) => String(i.pk).startsWith("RATER#"));
    expect(
      assignments.every((i) => (i.attributes as Record<string, string>).department === "Engineering"),
    ).toBe(true);
  });
});
