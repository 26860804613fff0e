import type { NewPerson } from "../../repositories/directory.js";

/**
 * Northwind Outfitters, the fictional company of the sample conversation: an outdoor-gear retailer
 * with stores across the West, a distribution center in Reno, e-commerce, an app and a young B2B
 * business. 150 people, so the main departments reach the k = 10 needed for themed slices and the
 * small ones (Analytics, Finance, People) show how the report suppresses them.
 */
export const demoDomain = "northwind-demo.example";
export const demoCompany = "Northwind Outfitters";

export const departments = {
  ST: "Stores",
  CS: "Customer Support",
  EN: "Engineering",
  PD: "Product",
  SC: "Supply Chain",
  MK: "Marketing",
  BS: "B2B Sales",
  MD: "Merchandising",
  DA: "Analytics",
  FI: "Finance",
  PC: "People",
} as const;
export type DepartmentCode = keyof typeof departments;

/**
 * Where someone's work sits, which colours how they read other people's thoughts: the stores, the
 * DC and support on the frontline, everyone else in the office. Most people share their
 * department's outlook; one in five leans the other way (a store manager who came from HQ, an
 * engineer who worked the floor), so the opinion groups the report finds are not the departments.
 */
export type Outlook = "frontline" | "office";
const frontlineDepartments: ReadonlySet<DepartmentCode> = new Set(["ST", "CS", "SC"]);
export const departmentOutlook = (code: DepartmentCode): Outlook =>
  frontlineDepartments.has(code) ? "frontline" : "office";
const crossing = (outlook: Outlook): Outlook => (outlook === "frontline" ? "office" : "frontline");

/** Head count and where each department sits; people cycle through the listed locations. */
const shape: Record<DepartmentCode, { readonly size: number; readonly locations: readonly string[] }> = {
  ST: { size: 32, locations: ["Portland", "Seattle", "Denver", "Seattle", "Denver"] },
  CS: { size: 16, locations: ["Reno", "Remote", "Reno"] },
  EN: { size: 20, locations: ["Portland", "Remote", "Portland", "Denver"] },
  PD: { size: 12, locations: ["Portland", "Remote"] },
  SC: { size: 16, locations: ["Reno", "Reno", "Reno", "Portland"] },
  MK: { size: 12, locations: ["Portland", "Remote", "Portland"] },
  BS: { size: 12, locations: ["Denver", "Seattle", "Portland", "Remote"] },
  MD: { size: 10, locations: ["Portland"] },
  DA: { size: 8, locations: ["Portland", "Remote"] },
  FI: { size: 7, locations: ["Portland"] },
  PC: { size: 5, locations: ["Portland", "Remote"] },
};

// Stores and support turn over fastest, so their tenure skews short; HQ skews longer.
const tenures = ["under 1 year", "1-3 years", "3-5 years", "5+ years"] as const;
const shortTenure = [0, 1, 0, 1, 2, 0, 1, 3, 1, 0];
const longTenure = [1, 2, 3, 1, 2, 0, 3, 2, 1, 3];

const firstNames =
  `Aaliyah Abdul Adaeze Adrian Aiko Alana Alejandro Amelia Anders Andre Anika Arjun Ava Beatriz
  Benjamin Bianca Brandon Bridget Caleb Camila Carlos Cassidy Chen Chiara Colin Connor Dalia Damian Daniela
  Darius Deepa Diego Dmitri Eamon Eduardo Eliana Elijah Emeka Emily Esther Ethan Fatima Finn Gabriel Gemma
  Gustavo Hana Harper Hector Hiroshi Ibrahim Imani Ingrid Isaac Isabela Jamal Jasmine Javier Jenna Jonah
  Joaquin Julia Kai Kalani Keanu Kendra Kenji Kiara Lars Layla Leah Lena Liam Lucia Luka Maeve Malik Mariana
  Mateo Maya Mei Micah Miguel Mira Nadia Naomi Nathan Nia Niko Noah Nora Olivia Oscar Paloma Parker Paulo
  Quinn Rafael Rania Reza Riley Rohan Ruby Sadie Samir Santiago Sara Selin Seth Shauna Simone Sofia Soren
  Stella Sven Tamar Tariq Teresa Theo Tomas Uma Valentina Vikram Wade Willa Wyatt Ximena Yara Yosef Yuki
  Zachary Zainab Zara Zeke Hazel Owen Iris Jude Marisol Tobias Keisha Rowan Sienna Ezra Lila Mason Noelle
  Dante Freya Elena`
    .split(/\s+/)
    .filter(Boolean);

const lastNames = `Abbott Acosta Adeyemi Alvarez Andersen Arslan Bailey Banerjee Barnes Becker Bishop Brennan
  Caldwell Campos Carver Castillo Chandra Chavez Cho Coleman Costa Dahl Delgado Dixon Doyle Duarte Ellis
  Eriksen Estrada Farrell Ferreira Fitzgerald Flores Fong Foster Fujita Garner Gill Greer Gutierrez Hale
  Hammond Hayes Herrera Hoang Holloway Hughes Iyer Jensen Joshi Kane Kapoor Keller Kim Kowalski Kruger Lam
  Larsen Lawson Lindqvist Lopez Lund Mahoney Marino McCarthy Medina Mendoza Moreau Morales Nakamura Nash
  Navarro Novak Nunez Obi Okafor Olsen Ortiz Osei Pace Park Patel Pereira Petrov Pham Quinlan Ramos Reyes
  Rhodes Rivera Romero Rosen Russo Saito Salazar Sandoval Schmidt Serrano Shah Silva Singh Sloan Sorensen
  Stone Suarez Sullivan Tanaka Thornton Tran Turner Valdez Vance Vargas Vega Walsh Ward Watanabe Weber
  Whitaker Wu Yamamoto Young Zhang Ziegler Holm Bauer Conti Dunn Ebert Frost Grant Haddad Ibarra Jovanovic
  Kaur Lowe Mercer Nolan Oyelaran Pryor Rahman Sato Tate Ueda Vu Wolfe Yilmaz Zamora Brooks Hartley`
  .split(/\s+/)
  .filter(Boolean);

export interface DemoPerson extends NewPerson {
  readonly departmentCode: DepartmentCode;
  readonly outlook: Outlook;
}

function build(): DemoPerson[] {
  const people: DemoPerson[] = [];
  const n = Math.min(firstNames.length, lastNames.length);
  let i = 0;
  for (const [code, { size, locations }] of Object.entries(shape) as [
    DepartmentCode,
    (typeof shape)[DepartmentCode],
  ][]) {
    const churny = code === "ST" || code === "CS" || code === "SC";
    for (let j = 0; j < size; j++, i++) {
      // A fixed stride (coprime with n) pairs first and last names without an obvious pattern.
      const first = firstNames[i % n]!;
      const last = lastNames[(i * 37 + 11) % n]!;
      const band = (churny ? shortTenure : longTenure)[(i * 7 + j) % 10]!;
      people.push({
        email: `${first}.${last}@${demoDomain}`.toLowerCase(),
        name: `${first} ${last}`,
        role: "employee",
        attributes: {
          department: departments[code],
          location: locations[j % locations.length]!,
          tenureBand: tenures[band]!,
        },
        active: true,
        departmentCode: code,
        outlook: j % 5 === 3 ? crossing(departmentOutlook(code)) : departmentOutlook(code),
      });
    }
  }
  return people;
}

export const demoPeople: readonly DemoPerson[] = build();
