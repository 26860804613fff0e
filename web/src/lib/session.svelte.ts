import type { Person, Role } from "$domain/person";

const tokenKey = "groundswell.token";
const personKey = "groundswell.person";

/** What each role may do, mirroring `can` in functions/domain/person.ts (kept here so zod stays out of the bundle). */
const abilities = {
  facilitate: ["facilitator", "admin"],
  lead: ["leader", "facilitator", "admin"],
  administer: ["admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Ability = keyof typeof abilities;

export const roleLabels: Record<Role, string> = {
  employee: "Employee",
  facilitator: "Facilitator",
  leader: "Leader",
  admin: "Admin",
};

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Seconds since the epoch at which a JWT expires, or undefined when it cannot be read. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** The signed-in person and their token, kept in localStorage so a reload keeps you signed in. */
class Session {
  token = $state<string | null>(null);
  person = $state<Person | null>(null);

  readonly signedIn = $derived(this.token !== null && this.person !== null);
  readonly role = $derived(this.person?.role ?? null);

  constructor() {
    const token = read(tokenKey);
    const person = read(personKey);
    if (!token || !person) return;
    const exp = expiryOf(token);
    if (exp !== undefined && exp * 1000 <= Date.now()) {
      this.signOut();
      return;
    }
    try {
      this.person = JSON.parse(person) as Person;
      this.token = token;
    } catch {
      this.signOut();
    }
  }

  can(ability: Ability): boolean {
    const role = this.role;
    return role !== null && (abilities[ability] as readonly Role[]).includes(role);
  }

  signIn(token: string, person: Person) {
    this.token = token;
    this.person = person;
    try {
      localStorage.setItem(tokenKey, token);
      localStorage.setItem(personKey, JSON.stringify(person));
    } catch {
      // Private browsing without storage: the session lasts until the tab closes.
    }
  }

  /** Refreshes the stored person (role or attributes may have changed in the directory). */
  update(person: Person) {
    if (!this.token) return;
    this.signIn(this.token, person);
  }

  signOut() {
    this.token = null;
    this.person = null;
    try {
      localStorage.removeItem(tokenKey);
      localStorage.removeItem(personKey);
    } catch {
      // Nothing stored.
    }
  }
}

export const session = new Session();
