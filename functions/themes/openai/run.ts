import { screenThought } from "../../domain/screen.js";
import { stableThemeIds } from "../theme-id.js";
import { tokenize } from "../tokenize.js";
import { type CallContext, embedAll } from "./client.js";
import { clusterEmbeddings } from "./cluster.js";
import { toSentThought } from "./prompts.js";
import { describeError } from "./retry.js";
import { type Member, pickSample, representatives } from "./sample.js";
import { summariseCluster } from "./summarise.js";
import type { ComputeThemesOptions, OfflineThemer, OpenAiThemeReport, Theme, ThemeItem } from "./types.js";

/**
 * One computeThemes call of the OpenAI engine: redact, embed, cluster, summarise each cluster that is
 * large enough, check every answer, and fall back to the offline engine — per theme or for the whole
 * run — with a note saying so.
 */

export interface RunSettings {
  embeddingModel: string;
  chatModel: string;
  maxAttempts: number;
  sampleSize: number;
  embeddingBatchSize: number;
  temperature: number | undefined;
}

/** DESIGN §3.4: free text and themes need groups of at least 10. */
export const DEFAULT_MIN_GROUP_SIZE = 10;
/** Characters of a thought sent for embedding; thoughts are far shorter, this only bounds tokens. */
const EMBED_TEXT_LIMIT = 4000;

export type Draft = Omit<OpenAiThemeReport, "usage">;

const phraseStems = (phrase: string) =>
  tokenize(phrase)
    .map((token) => token.stem)
    .join(" ");

export class Run {
  private readonly notes: string[] = [];
  private readonly minGroupSize: number;
  private readonly seed: number;

  constructor(
    private readonly context: CallContext,
    private readonly settings: RunSettings,
    private readonly offline: OfflineThemer,
    private readonly options: ComputeThemesOptions,
  ) {
    this.minGroupSize = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
    this.seed = options.seed ?? 1;
  }

  async execute(items: readonly ThemeItem[]): Promise<Draft> {
    // Redacted again here, whatever the caller did: no email or phone number ever leaves for the API.
    // In id order, like the offline engine, so the same thoughts give the same themes in any input order.
    const screened = [...items]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((item) => ({ item, redacted: screenThought(item.text).text.trim() }));
    const usable = screened.filter((entry) => entry.redacted.length > 0);
    const empty = screened.filter((entry) => entry.redacted.length === 0).map((entry) => entry.item.id);
    if (usable.length < this.minGroupSize) {
      return this.offlineRun(
        items,
        `Fewer than ${this.minGroupSize} thoughts: nothing was sent to OpenAI and the offline engine made this report.`,
      );
    }

    this.progress(0);
    let vectors: number[][];
    try {
      let done = 0;
      const batches = Math.ceil(usable.length / this.settings.embeddingBatchSize);
      vectors = await embedAll(
        this.context,
        usable.map((entry) => entry.redacted.slice(0, EMBED_TEXT_LIMIT)),
        {
          model: this.settings.embeddingModel,
          batchSize: this.settings.embeddingBatchSize,
          onBatch: () => this.progress((0.4 * ++done) / batches),
        },
      );
    } catch (error) {
      return this.offlineRun(
        items,
        `OpenAI embeddings failed (${describeError(error)}); this report comes from the offline engine.`,
      );
    }

    this.progress(0.45);
    const clusters = clusterEmbeddings(vectors, {
      k: this.options.k,
      minGroupSize: this.minGroupSize,
      seed: this.seed,
    });
    const groups: Member[][] = Array.from({ length: clusters.k }, () => []);
    usable.forEach((entry, i) => {
      groups[clusters.labels[i]!]!.push({ ...entry, centrality: clusters.centrality[i]! });
    });
    const large = groups.filter((group) => group.length >= this.minGroupSize);
    const small = groups.filter((group) => group.length > 0 && group.length < this.minGroupSize);
    const unassigned = [...empty, ...small.flat().map((member) => member.item.id)];
    if (small.length > 0) {
      this.notes.push(
        `${small.flat().length} thought(s) in ${small.length} group(s) smaller than ${this.minGroupSize} ` +
          "were not summarised and never sent to the model; they are listed as unassigned.",
      );
    }

    this.progress(0.5);
    let finished = 0;
    const themes = await Promise.all(
      large.map(async (group, index) => {
        const theme = await this.summarise(group, index);
        this.progress(0.5 + (0.5 * ++finished) / large.length);
        return theme;
      }),
    );
    // The offline engine's order and ids: largest first, ids from the two strongest key phrases.
    themes.sort((a, b) => b.size - a.size || a.thoughtIds[0]!.localeCompare(b.thoughtIds[0]!));
    const ids = stableThemeIds(themes.map((theme) => theme.keyPhrases.map(phraseStems)));
    themes.forEach((theme, i) => {
      theme.id = ids[i]!;
    });
    this.progress(1);
    return { engine: "openai", k: themes.length, themes, unassigned, notes: this.notes };
  }

  private async summarise(group: Member[], index: number): Promise<Theme> {
    const sample = pickSample(group, Math.max(this.settings.sampleSize, this.minGroupSize));
    const sent = sample.map((member, j) => toSentThought(`t${j + 1}`, member.item.id, member.redacted));
    const result = await summariseCluster(this.context, sent, {
      model: this.settings.chatModel,
      maxAttempts: this.settings.maxAttempts,
      temperature: this.settings.temperature,
      question: this.options.question,
    });
    const thoughtIds = group.map((member) => member.item.id).sort();
    const base = { id: "", thoughtIds, size: group.length };
    if (result.ok) {
      const quotes = result.theme.quotes.map(({ thoughtId, quote }) => ({ thoughtId, quote }));
      return {
        ...base,
        title: result.theme.title,
        summary: result.theme.summary,
        keyPhrases: result.theme.keyPhrases,
        representativeIds: representatives(group, [...new Set(quotes.map((quote) => quote.thoughtId))]),
        quotes,
      };
    }
    const fallback = await this.offlineTheme(group);
    const label = fallback?.title ? `"${fallback.title}"` : `#${index + 1}`;
    this.notes.push(
      result.kind === "validation"
        ? `OpenAI output for theme ${label} failed validation ${result.attempts} times (${result.reason}); ` +
            "its title and summary come from the offline engine."
        : `The OpenAI request for theme ${label} failed (${result.reason}); ` +
            "its title and summary come from the offline engine.",
    );
    return {
      ...base,
      title: fallback?.title ?? "Untitled theme",
      summary: fallback?.summary ?? "",
      keyPhrases: fallback?.keyPhrases ?? [],
      representativeIds: representatives(group, fallback?.representativeIds ?? []),
    };
  }

  /** The offline engine's title and summary for one cluster's thoughts (k = 1, nothing sent anywhere). */
  private async offlineTheme(group: Member[]): Promise<Theme | undefined> {
    try {
      const report = await this.offline(
        group.map((member) => ({ ...member.item, text: member.redacted })),
        { k: 1, seed: this.seed, minGroupSize: this.minGroupSize },
      );
      return report.themes[0];
    } catch {
      // The theme still lists its thoughts; a missing title is better than losing the whole run.
      return undefined;
    }
  }

  private async offlineRun(items: readonly ThemeItem[], note: string): Promise<Draft> {
    const report = await this.offline(items, this.options);
    return { ...report, engine: "offline", notes: [note, ...this.notes, ...(report.notes ?? [])] };
  }

  private progress(fraction: number): void {
    this.options.onProgress?.(fraction);
  }
}
