import type { Person } from "../domain/person.js";

/**
 * The demo company on a first start: ~30 people across departments, locations and tenure bands,
 * with the fixed addresses scripts sign in with (DESIGN §7).
 */
type Row = [
  email: string,
  name: string,
  role: Person["role"],
  department: string,
  location: string,
  tenure: string,
];

const rows: Row[] = [
  ["admin@example.com", "Alex Admin", "admin", "Operations", "Berlin", "3-5 years"],
  ["facilitator@example.com", "Farah Facilitator", "facilitator", "People", "London", "3-5 years"],
  ["leader@example.com", "Leo Leader", "leader", "Leadership", "New York", "5+ years"],
  ["ceo@example.com", "Morgan Reyes", "leader", "Leadership", "New York", "5+ years"],
  ["amara.okafor@example.com", "Amara Okafor", "employee", "Engineering", "Berlin", "1-3 years"],
  ["ben.fischer@example.com", "Ben Fischer", "employee", "Engineering", "Berlin", "3-5 years"],
  ["chloe.martin@example.com", "Chloé Martin", "employee", "Engineering", "Remote", "under 1 year"],
  ["dev.patel@example.com", "Dev Patel", "employee", "Engineering", "London", "5+ years"],
  ["elena.rossi@example.com", "Elena Rossi", "employee", "Engineering", "Remote", "1-3 years"],
  ["felix.wagner@example.com", "Felix Wagner", "employee", "Engineering", "Berlin", "under 1 year"],
  ["grace.kim@example.com", "Grace Kim", "employee", "Engineering", "New York", "3-5 years"],
  ["hannah.berg@example.com", "Hannah Berg", "employee", "Product", "Berlin", "1-3 years"],
  ["ivan.petrov@example.com", "Ivan Petrov", "employee", "Product", "Remote", "3-5 years"],
  ["jade.nguyen@example.com", "Jade Nguyen", "employee", "Product", "London", "under 1 year"],
  ["kofi.mensah@example.com", "Kofi Mensah", "employee", "Sales", "London", "1-3 years"],
  ["lina.haddad@example.com", "Lina Haddad", "employee", "Sales", "New York", "5+ years"],
  ["marco.silva@example.com", "Marco Silva", "employee", "Sales", "New York", "under 1 year"],
  ["nora.lind@example.com", "Nora Lind", "employee", "Sales", "Berlin", "3-5 years"],
  ["omar.aziz@example.com", "Omar Aziz", "employee", "Sales", "Remote", "1-3 years"],
  ["priya.shah@example.com", "Priya Shah", "employee", "Marketing", "London", "3-5 years"],
  ["quinn.murphy@example.com", "Quinn Murphy", "employee", "Marketing", "New York", "1-3 years"],
  ["rosa.jimenez@example.com", "Rosa Jiménez", "employee", "Marketing", "Remote", "under 1 year"],
  ["sam.taylor@example.com", "Sam Taylor", "employee", "Customer Success", "London", "5+ years"],
  ["tara.singh@example.com", "Tara Singh", "employee", "Customer Success", "Berlin", "1-3 years"],
  ["umar.farouk@example.com", "Umar Farouk", "employee", "Customer Success", "Remote", "3-5 years"],
  ["vera.novak@example.com", "Vera Novak", "employee", "Customer Success", "New York", "under 1 year"],
  ["will.chen@example.com", "Will Chen", "employee", "Finance", "New York", "5+ years"],
  ["xenia.lopez@example.com", "Xenia López", "employee", "Finance", "London", "1-3 years"],
  ["yusuf.demir@example.com", "Yusuf Demir", "employee", "Operations", "Berlin", "3-5 years"],
  ["zoe.williams@example.com", "Zoe Williams", "employee", "Operations", "Remote", "1-3 years"],
];

export const starterDirectory: Omit<Person, "id">[] = rows.map(
  ([email, name, role, department, location, tenure]) => ({
    email,
    name,
    role,
    attributes: { department, location, tenureBand: tenure },
    active: true,
  }),
);
