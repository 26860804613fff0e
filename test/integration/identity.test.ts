import { beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "../../functions/auth/first-admin.js";
import type { IdentityDirectory } from "../../functions/auth/identity-directory.js";
import { syncIdentities } from "../../functions/auth/identity-sync.js";
import { localSubject } from "../../functions/auth/local-issuer.js";
import { memoryLogger } from "../../functions/lib/logger.js";
import { DirectoryRepository } from "../../functions/repositories/directory.js";
import { runScheduler } from "../../functions/scheduler/run.js";
import { createServices } from "../../functions/services.js";
import { createHarness, type Harness } from "../helpers/harness.js";

/** An identity provider that records what the import asked of it, and can be made to fail. */
function recordingProvider() {
  const calls: string[] = [];
  let failing = false;
  const provider: IdentityDirectory = {
    name: "recording",
    ensureUser: async (email) => {
      if (failing) throw Object.assign(new Error("throttled"), { name: "TooManyRequestsException" });
      calls.push(`ensure ${email}`);
      return "invited";
    },
    disableUser: async (email) => {
      if (failing) throw Object.assign(new Error("throttled"), { name: "TooManyRequestsException" });
      calls.push(`disable ${email}`);
      return "disabled";
    },
  };
  return { provider, calls, fail: (on: boolean) => (failing = on) };
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe("linking sign-ins to the directory", () => {
  it("links once when a person's first requests arrive together", async () => {
    const token = await h.tokenFor("ivan.petrov@example.com");
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => h.call("GET", "/api/me", { as: "ivan.petrov@example.com" })),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(token).toBeTruthy();
    const items = await h.scanAll();
    const links = items.filter(
      (i) => String(i.pk).startsWith("IDP#") && i.personId === h.person("ivan.petrov@example.com").id,
    );
    expect(links).toHaveLength(1);
    expect(links[0]!.pk).toContain(localSubject("ivan.petrov@example.com"));
  });

  it("re-links a person who signs in with a new account (e.g. moved to SSO) and drops the old link", async () => {
    const directory = h.services.directory;
    const person = await directory.get(h.person("jade.nguyen@example.com").id);
    const first = await directory.linkIdentity(person, { issuer: "https://idp.example", subject: "old" });
    await directory.linkIdentity(first, { issuer: "https://idp.example", subject: "new" });
    expect(await directory.personIdForIdentity({ issuer: "https://idp.example", subject: "new" })).toBe(
      person.id,
    );
    expect(
      await directory.personIdForIdentity({ issuer: "https://idp.example", subject: "old" }),
    ).toBeUndefined();
    // A second link from a stale read (identity changed meanwhile) is refused, not silently merged.
    await expect(
      directory.linkIdentity(first, { issuer: "https://idp.example", subject: "third" }),
    ).rejects.toThrow(/same moment/);
  });
});

describe("the directory import keeps the identity provider in step", () => {
  it("invites new people, disables the deactivated, and the scheduler retries what failed", async () => {
    const recording = recordingProvider();
    const services = createServices({ ...h.deps, identityDirectory: recording.provider });
    const { createApp } = await import("../../functions/app.js");
    const app = createApp(services);
    const admin = await h.tokenFor("admin@example.com");
    const importCsv = async (csv: string, query = "") =>
      app.request(`/api/directory/import${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
        body: csv,
      });

    const added = await importCsv(
      "email,name,role\nnew.one@example.com,New One,employee\nnew.two@example.com,New Two,\n",
    );
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ created: 2, accountsQueued: 2 });
    expect(recording.calls.sort()).toEqual(["ensure new.one@example.com", "ensure new.two@example.com"]);
    expect(await services.identitySync.pending(10)).toEqual([]);

    // An import while the provider throttles: the directory is written, the accounts wait.
    recording.fail(true);
    const everyoneButNewTwo = [
      ...h.people.map((p) => `${p.email},${p.name},${p.role}`),
      "new.one@example.com,New One,employee",
    ];
    const deactivated = await importCsv(
      `email,name,role\n${everyoneButNewTwo.join("\n")}\n`,
      "?deactivateMissing=true",
    );
    expect(deactivated.status).toBe(200);
    expect(await deactivated.json()).toMatchObject({ deactivated: 1, accountsQueued: 1 });
    expect((await services.identitySync.pending(10)).map((p) => p.email)).toEqual(["new.two@example.com"]);
    expect(recording.calls).not.toContain("disable new.two@example.com");

    recording.fail(false);
    await runScheduler(services, new Date());
    expect(recording.calls).toContain("disable new.two@example.com");
    expect(await services.identitySync.pending(10)).toEqual([]);
    // No email in any line about it.
    for (const line of h.logger.lines.filter((l) => l.includes("identity sync")))
      expect(line).not.toMatch(/@/);
  });

  it("reads the directory when it syncs, so a stale or doubled hint does no harm", async () => {
    const recording = recordingProvider();
    const services = createServices({ ...h.deps, identityDirectory: recording.provider });
    await services.identitySync.queue([
      "amara.okafor@example.com",
      "amara.okafor@example.com",
      "ghost@example.com",
    ]);
    expect(await syncIdentities(services)).toEqual({ synced: 2, failed: 0 });
    expect(recording.calls).toEqual(["ensure amara.okafor@example.com"]);
  });

  it("queues nothing where people are admitted on first sign-in (the embedded default)", async () => {
    const reply = await h.call("POST", "/api/directory/import", {
      as: "admin@example.com",
      body: "email,name,role\nthird.new@example.com,Third New,employee\n",
      headers: { "content-type": "text/csv" },
    });
    expect(reply.body).toMatchObject({ created: 1, accountsQueued: 0 });
    expect(await h.services.identitySync.pending(10)).toEqual([]);
  });
});

describe("the first admin (ADMIN_EMAIL)", () => {
  it("adds the admin to an empty directory once, however many instances start at once", async () => {
    const fresh = await createHarness();
    const directory = new DirectoryRepository(fresh.db);
    // The harness seeded the starter directory; a new address plays the first deployment's admin.
    const logger = memoryLogger();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => ensureFirstAdmin(directory, "Jane.Doe@Acme.example", logger)),
    );
    expect(outcomes.filter((o) => o === "added")).toHaveLength(1);
    const jane = await directory.findByEmail("jane.doe@acme.example");
    expect(jane).toMatchObject({ role: "admin", active: true, name: "Jane Doe" });
    const all = (await directory.all()).filter((p) => p.email === "jane.doe@acme.example");
    expect(all).toHaveLength(1);
    expect(logger.lines.join("\n")).not.toMatch(/@/);
  });

  it("leaves someone already in the directory as the directory says", async () => {
    const directory = h.services.directory;
    expect(await ensureFirstAdmin(directory, "zoe.williams@example.com", memoryLogger())).toBe("present");
    expect((await directory.findByEmail("zoe.williams@example.com"))?.role).toBe("employee");
  });
});
