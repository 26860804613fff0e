/**
 * The data bench:load seeds through the API (bench/load.ts): a directory of extra employees and
 * thought texts, and a helper that sends requests a few at a time.
 */
const firstNames = [
  "Avery",
  "Blair",
  "Camila",
  "Dario",
  "Elif",
  "Femi",
  "Greta",
  "Hiro",
  "Ines",
  "Jonas",
  "Kaia",
  "Luca",
  "Mira",
  "Nils",
  "Oona",
];
const lastNames = [
  "Abara",
  "Brandt",
  "Castell",
  "Dubois",
  "Eriksen",
  "Fontaine",
  "Gallo",
  "Haddad",
  "Ivanova",
  "Jansen",
];
const departments = ["Engineering", "Sales", "Support", "Finance", "Marketing"];
const locations = ["Berlin", "London", "New York", "Lisbon"];
/** A directory import of `count` employees spread over five departments and four locations. */
export const directoryCsv = (count: number) =>
  [
    "email,name,role,department,location,tenure",
    ...Array.from({ length: count }, (_, i) => {
      const name = `${firstNames[i % firstNames.length]} ${lastNames[Math.floor(i / firstNames.length) % lastNames.length]}`;
      return `load.${i}@example.com,${name},employee,${departments[i % 5]},${locations[i % 4]},${i % 2 ? "1-3 years" : "3-5 years"}`;
    }),
  ].join("\n");

const openers = ["We should", "I think we could", "Next year we must", "It would help to", "Let us"];
const ideas = [
  "cut the number of approval steps for small purchases",
  "publish the product roadmap to every team each quarter",
  "pair new hires with a buddy for their first month",
  "automate the release checklist so deploys are boring",
  "give support engineers a day a month with the product teams",
  "stop scheduling meetings on Friday afternoons",
  "measure customer onboarding time and halve it",
  "share the reasons behind pricing changes before they ship",
];
const reasons = [
  "because it wastes hours every week",
  "so fewer customers churn",
  "to keep good people",
  "since our rivals already do",
];
/** Distinct, plausible thought texts, one per call. */
export function thoughtTexts(): () => string {
  let counter = 0;
  return () => {
    const n = counter++;
    return `${openers[n % 5]} ${ideas[Math.floor(n / 5) % ideas.length]} ${reasons[n % 4]} (note ${n}).`;
  };
}

/** Runs `run` over `items`, `width` at a time. */
export const inParallel = async <T>(
  items: readonly T[],
  width: number,
  run: (item: T, i: number) => Promise<void>,
) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await run(items[i]!, i);
      }
    }),
  );
};
