import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One message. It names a conversation, never a thought (DESIGN §3.2). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly kind: "invitation" | "reminder" | "published";
  readonly conversationId: string;
}

export interface StoredMail extends MailMessage {
  readonly id: string;
  readonly sentAt: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** A mailer whose messages can be read back: the embedded default's mailbox page. */
export interface Mailbox {
  list(to: string, limit?: number): StoredMail[];
}

/** The embedded default keeps mail as files in the data folder instead of sending it. */
export class FileMailer implements Mailer, Mailbox {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  async send(message: MailMessage): Promise<void> {
    const stored: StoredMail = { ...message, id: randomUUID(), sentAt: new Date().toISOString() };
    writeFileSync(
      join(this.folder, `${stored.sentAt.replace(/[:.]/g, "-")}-${stored.id}.json`),
      JSON.stringify(stored, null, 2),
    );
  }

  list(to: string, limit = 100): StoredMail[] {
    const wanted = to.toLowerCase();
    return readdirSync(this.folder)
      .filter((name) => name.endsWith(".json"))
      .sort()
      .reverse()
      .map((name) => JSON.parse(readFileSync(join(this.folder, name), "utf8")) as StoredMail)
      .filter((mail) => mail.to.toLowerCase() === wanted)
      .slice(0, limit);
  }
}

/** Tests read what was sent. */
export class MemoryMailer implements Mailer, Mailbox {
  readonly sent: StoredMail[] = [];

  async send(message: MailMessage): Promise<void> {
    this.sent.push({ ...message, id: randomUUID(), sentAt: new Date().toISOString() });
  }

  list(to: string, limit = 100): StoredMail[] {
    return this.sent
      .filter((m) => m.to.toLowerCase() === to.toLowerCase())
      .reverse()
      .slice(0, limit);
  }
}
