import { describe, it } from "vitest";
import { checkBothWidths, desktop, signIn, useBrowserSuite } from "../helpers/browser.js";

/**
 * Issue 12: the audience picker (directory values, a live invited count, a warning for no one) as
 * a facilitator builds a conversation, and the CSV import preview (defect 7: who is added and what
 * changes) as an admin checks a file — in Chromium at 1280 and 360 px with axe at 0.
 */
const e2e = useBrowserSuite({ setupTimeoutMs: 300_000 });

describe("audience picker", () => {
  it("picks groups from the directory and counts who is invited as the facilitator ticks", async () => {
    const { page } = await e2e.open(desktop);
    await signIn(page, "facilitator@example.com");
    await page.goto("/facilitate/new");
    const count = page.getByRole("status").filter({ hasText: /invited/ });
    await count.getByText("30 people invited").waitFor();
    await page.getByLabel("Only some groups").check();
    const box = (name: RegExp) => page.getByRole("checkbox", { name });
    await box(/^Sales \(5\)$/).check();
    await count.getByText("5 people invited").waitFor();
    await checkBothWidths(page, "audience picker sales");

    // Finance in Berlin: both exist, nobody is both.
    await box(/^Sales/).uncheck();
    await box(/^Finance/).check();
    await box(/^Berlin/).check();
    await count.getByText("No one is invited").waitFor();
    await checkBothWidths(page, "audience picker nobody");

    // Creating it keeps the picked groups; the draft says nobody is invited yet.
    await page.getByLabel("Question", { exact: true }).fill("What should Finance in Berlin change?");
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByText("No one is invited yet").waitFor();
  });
});

describe("CSV import preview (defect 7)", () => {
  it("lists who is added and what changes before anything is saved", async () => {
    const { page } = await e2e.open(desktop);
    await signIn(page, "admin@example.com");
    await page.goto("/admin/directory");
    await page.getByLabel("Paste the text").check();
    await page
      .getByLabel("CSV text")
      .fill(
        [
          "email;name;role;department;location",
          "new.person@example.com;Nia Newman;employee;Sales;Berlin",
          "kofi.mensah@example.com;Kofi Mensah;employee;Marketing;London",
        ].join("\n"),
      );
    await page.getByRole("button", { name: "Check the list" }).click();
    await page.getByText("Check passed — nothing saved yet").waitFor();
    await page.getByText("Read as separated by semicolons.").waitFor();
    await page.getByText("Nia Newman · new.person@example.com · employee").waitFor();
    await page.getByText(/Kofi Mensah · kofi\.mensah@example\.com:\s*department Sales → Marketing/).waitFor();
    await checkBothWidths(page, "directory import preview");

    // An unclosed quote is reported on the line it opens.
    await page
      .getByLabel("CSV text")
      .fill('email,name,role\na@example.com,"Ann,employee\nb@example.com,Bo,employee');
    await page.getByRole("button", { name: "Check the list" }).click();
    await page
      .getByText(/line 2/)
      .first()
      .waitFor();
    await checkBothWidths(page, "directory import error");
  });
});
