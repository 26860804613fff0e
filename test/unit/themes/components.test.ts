import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { excerpt } from "../../../functions/domain/excerpt.js";
import { createRng } from "../../../functions/lib/random.js";
import { candidateKs } from "../../../functions/themes/auto-k.js";
import type { KeyPhrase } from "../../../functions/themes/key-phrases.js";
import { kmeans } from "../../../functions/themes/kmeans.js";
import { normalizedMutualInformation } from "../../../functions/themes/metrics.js";
import { type Member, pickRepresentatives } from "../../../functions/themes/representatives.js";
import { denseMatrix, type SparseMatrix } from "../../../functions/themes/sparse.js";
import { truncatedSvd } from "../../../functions/themes/svd.js";
import { buildFeatures } from "../../../functions/themes/tfidf.js";
import { stableThemeIds } from "../../../functions/themes/theme-id.js";
import { compareIds } from "../../../functions/themes/thought-ids.js";
import { labelThemes } from "../../../functions/themes/titles.js";
import { tokenize, tokenizeAll } from "../../../functions/themes/tokenize.js";

describe("tokenize", () => {
  it("drops stop words, one-letter words and numbers, stems English, keeps the written form", () => {
    const tokens = tokenize("Hiring managers are hiring 3 new SQL engineers in Berlin.");
    expect(tokens.map((t) => t.stem)).toEqual(["hire", "manag", "hire", "new", "sql", "engin", "berlin"]);
    expect(tokens.map((t) => t.surface)).toEqual([
      "hiring",
      "managers",
      "hiring",
      "new",
      "SQL",
      "engineers",
      "Berlin",
    ]);
  });

  it("marks words that form a phrase as written", () => {
    const tokens = tokenize("remote work, PL/SQL and e-mail");
    expect(tokens.map((t) => [t.surface, t.followsPrevious, t.joiner])).toEqual([
      ["remote", false, " "],
      ["work", true, " "],
      ["PL", false, " "],
      ["SQL", true, "/"],
      ["mail", false, " "],
    ]);
  });

  it("keeps a name as one token when a word of it is a common word elsewhere", () => {
    const [wallets, pay, windows, studio] = tokenizeAll([
      "We lose shoppers without Apple Pay and Google Pay at checkout.",
      "Store pay is low, and pay rises were tiny.",
      "It crashes on Windows Vista but not on Windows XP or plain Windows.",
      "How do I debug in Visual Studio? In visual studio the debugger hangs.",
    ]);
    expect(wallets!.map((t) => t.stem)).toEqual([
      "lose",
      "shopper",
      "appl",
      "appl_pai",
      "googl",
      "googl_pai",
      "checkout",
    ]);
    expect(wallets!.find((t) => t.stem === "appl_pai")?.surface).toBe("Apple Pay");
    expect(pay!.map((t) => t.stem)).toEqual(["store", "pai", "low", "pai", "rise", "tini"]);
    // Names on their own too, or typed in lower case as well: just the words.
    expect(windows!.map((t) => t.stem)).toEqual([
      "crash",
      "window",
      "vista",
      "window",
      "xp",
      "plain",
      "window",
    ]);
    expect(studio!.map((t) => t.stem)).toEqual([
      "debug",
      "visual",
      "studio",
      "visual",
      "studio",
      "debugg",
      "hang",
    ]);
    // Title Case is a style, not names.
    expect(tokenizeAll(["How To Debug In Apple Pay", "pay"])[0]!.map((t) => t.stem)).toEqual([
      "debug",
      "appl",
      "pai",
    ]);
  });

  it("splits unspaced scripts into character bigrams and keeps other scripts whole", () => {
    expect(tokenize("远程办公").map((t) => t.stem)).toEqual(["远程", "程办", "办公"]);
    expect(tokenize("Обучение сотрудников").map((t) => t.stem)).toEqual(["обучение", "сотрудников"]);
  });
});

describe("buildFeatures", () => {
  const docs = ["remote work helps", "remote work hurts", "pricing is unclear", "pricing pages"].map(
    tokenize,
  );

  it("keeps words and bigrams that reach min df, with L2-normalised rows", () => {
    const features = buildFeatures(docs, { minDf: 2, maxDfShare: 1, bigrams: true });
    expect(features.terms).toEqual(["price", "remot", "remot work", "work"]);
    expect(features.surfaces).toEqual(["pricing", "remote", "remote work", "work"]);
    for (let row = 0; row < 4; row++) {
      const { rowStart, values } = features.tfidf;
      const norm = Math.hypot(...values.subarray(rowStart[row]!, rowStart[row + 1]!));
      expect(norm).toBeCloseTo(1, 12);
    }
  });

  it("drops words in more than the allowed share of documents", () => {
    const features = buildFeatures(docs, { minDf: 1, maxDfShare: 0.25, bigrams: false });
    expect(features.terms).not.toContain("price");
    expect(features.terms).toContain("unclear");
  });
});

describe("truncatedSvd", () => {
  it("finds the leading singular values of a sparse matrix", () => {
    const rng = createRng(5);
    const dense = Array.from({ length: 40 }, () =>
      Array.from({ length: 25 }, () => (rng.next() < 0.3 ? rng.next() : 0)),
    );
    const rowStart = new Int32Array(41);
    const colIndex: number[] = [];
    const values: number[] = [];
    dense.forEach((row, i) => {
      row.forEach((v, j) => {
        if (v !== 0) {
          colIndex.push(j);
          values.push(v);
        }
      });
      rowStart[i + 1] = colIndex.length;
    });
    const sparse: SparseMatrix = {
      rows: 40,
      cols: 25,
      rowStart,
      colIndex: Int32Array.from(colIndex),
      values: Float64Array.from(values),
    };
    const exact = new SingularValueDecomposition(new Matrix(dense)).diagonal;
    const approx = truncatedSvd(sparse, 5, createRng(1), { oversample: 10, powerIterations: 4 });
    expect(approx.embedding.rows).toBe(40);
    expect(approx.embedding.cols).toBe(5);
    for (const [i, value] of approx.singularValues.entries()) expect(value).toBeCloseTo(exact[i]!, 2);
  });
});

describe("kmeans", () => {
  it("recovers well separated groups and is deterministic for a seed", () => {
    const rng = createRng(3);
    const points = denseMatrix(90, 2);
    const truth: number[] = [];
    for (let i = 0; i < 90; i++) {
      const group = i % 3;
      points.data[i * 2] = group * 10 + rng.normal() * 0.5;
      points.data[i * 2 + 1] = (group === 1 ? 10 : 0) + rng.normal() * 0.5;
      truth.push(group);
    }
    const run = () => kmeans(points, 3, { restarts: 3, maxIterations: 100, rng: createRng(11) });
    const result = run();
    expect(normalizedMutualInformation(truth, Array.from(result.labels))).toBeCloseTo(1, 10);
    expect(run()).toEqual(result);
  });
});

describe("small helpers", () => {
  it("orders ids naturally", () => {
    expect(["t10", "t2", "b", "a1", "t1", "007", "8", "a"].sort(compareIds)).toEqual([
      "007",
      "8",
      "a",
      "a1",
      "b",
      "t1",
      "t2",
      "t10",
    ]);
  });

  it("candidate ks step by one up to 10, then roughly 15%", () => {
    expect(candidateKs(2, 24)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 21, 24]);
    expect(candidateKs(2, 2)).toEqual([2]);
  });

  it("theme ids depend on the top two key terms only, in any order", () => {
    const [a, b, c, d] = stableThemeIds([
      ["remot work", "offic"],
      ["offic", "remot work", "commut"],
      ["price", "discount"],
      ["remot work", "offic", "travel"],
    ]);
    expect(a).toMatch(/^theme-[0-9a-f]{10}$/);
    expect(b).toBe(`${a}-2`);
    expect(d).toBe(`${a}-3`);
    expect(c).not.toBe(a);
  });

  it("titles are noun phrases from the theme's thoughts, never a comma list of keywords", () => {
    const phrase = (surface: string): KeyPhrase => ({ term: surface, surface, score: 1 });
    const [pay, shipping] = labelThemes([
      {
        texts: [
          "Store pay has not kept up with rents. People leave for warehouse jobs.",
          "Raise store pay before anything else, we lose our best staff.",
          "Store pay is the reason my team is looking elsewhere.",
        ],
        keyPhrases: [phrase("pay"), phrase("store")],
      },
      {
        texts: [
          "Right-size the shipping boxes. We ship socks in a box that could hold boots.",
          "Shipping boxes are far too big for small orders.",
          "Our shipping boxes waste cardboard and money.",
        ],
        keyPhrases: [phrase("box"), phrase("ship")],
      },
    ]);
    expect(pay!.title).toBe("Store pay");
    expect(shipping!.title).toBe("Shipping boxes");
    expect(pay!.labels).toContain("store pay");
  });

  it("falls back to the key phrases as a phrase where no noun phrase recurs", () => {
    const phrase = (surface: string): KeyPhrase => ({ term: surface, surface, score: 1 });
    const [a, b, c] = labelThemes([
      { texts: ["远程办公", "远程办公很好"], keyPhrases: [phrase("远程"), phrase("办公")] },
      { texts: [], keyPhrases: [phrase("SQL")] },
      { texts: [], keyPhrases: [] },
    ]);
    expect(a!.title).toBe("远程 and 办公");
    expect(b!.title).toBe("Thoughts on SQL");
    expect(c!.title).toBe("Miscellaneous thoughts");
  });

  it("representatives: best rated among the central half, else most central", () => {
    const member = (id: string, centrality: number, score?: number): Member => ({
      index: 0,
      id,
      text: id,
      centrality,
      ...(score === undefined ? {} : { score }),
    });
    const members = [member("a", 0.9, 3), member("b", 0.8, 4.5), member("c", 0.1, 5), member("d", 0.7)];
    expect(pickRepresentatives(members, 2).map((m) => m.id)).toEqual(["b", "a"]);
    const unrated = members.map(({ score: _, ...rest }) => rest);
    expect(pickRepresentatives(unrated, 3).map((m) => m.id)).toEqual(["a", "b", "d"]);
  });

  it("excerpts stop at a sentence or word boundary", () => {
    expect(excerpt("Short one.")).toBe("Short one.");
    const long = `${"First sentence is here. ".repeat(3)}${"word ".repeat(60)}`;
    expect(excerpt(long, 100)).toBe(
      "First sentence is here. First sentence is here. First sentence is here.",
    );
    expect(excerpt("word ".repeat(60), 20)).toBe("word word word word…");
  });
});
