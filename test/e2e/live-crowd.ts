/**
 * The crowd of the live-view and emerging browser tests, from the starter directory: 18 people of
 * four departments take part; the audience is everyone (30 people), so the others are "not yet".
 */
const engineering = [
  "amara.okafor",
  "ben.fischer",
  "chloe.martin",
  "dev.patel",
  "elena.rossi",
  "felix.wagner",
];
const sales = ["kofi.mensah", "lina.haddad", "marco.silva", "nora.lind", "omar.aziz"];
const success = ["sam.taylor", "tara.singh", "umar.farouk", "vera.novak"];
const marketing = ["priya.shah", "quinn.murphy", "rosa.jimenez"];
export const taking = [...engineering, ...sales, ...success, ...marketing].map((n) => `${n}@example.com`);
/** In the audience (everyone: 30 people) and never taking part. */
export const missing = "grace.kim@example.com";

export const topics = [
  "Cut the approval steps for small purchases so teams can move in a day.",
  "Publish the roadmap every quarter and say what we stopped doing.",
  "Give every customer call a written summary the whole team can read.",
  "Fund one week a quarter for fixing the internal tools we work around.",
  "Make onboarding a buddy programme with a clear first-month plan.",
  "Measure support by problems solved, not tickets closed.",
];
