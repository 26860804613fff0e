/**
 * DESIGN §4: which thoughts a participant is asked to rate next. Pure, so the API path and the
 * ranking benchmark's simulation run the very same choice.
 */
export interface Candidate {
  readonly id: string;
  /** Ratings plus open assignments: what the choice balances. */
  readonly exposure: number;
  readonly authorKey: string;
}

export interface PickInput {
  /** Candidates in ascending exposure order (as the byExposure index returns them). */
  readonly candidates: readonly Candidate[];
  /** Thoughts this person has already been assigned, rated or skipped. */
  readonly seen: ReadonlySet<string>;
  /** The person's author key in this conversation: their own thoughts are never offered. */
  readonly authorKey: string;
  readonly size: number;
  readonly random: () => number;
}

/**
 * The least-exposed eligible thoughts, random among ties. Ties are common (every new thought
 * starts at zero), and shuffling within an exposure level keeps early thoughts from being
 * favoured by their position in the index.
 */
export function pickBatch({ candidates, seen, authorKey, size, random }: PickInput): Candidate[] {
  if (size <= 0) return [];
  const eligible = candidates.filter((c) => c.authorKey !== authorKey && !seen.has(c.id));
  const levels = new Map<number, Candidate[]>();
  for (const candidate of eligible) {
    const level = levels.get(candidate.exposure);
    if (level) level.push(candidate);
    else levels.set(candidate.exposure, [candidate]);
  }
  const picked: Candidate[] = [];
  for (const exposure of [...levels.keys()].sort((a, b) => a - b)) {
    const level = shuffle(levels.get(exposure)!, random);
    for (const candidate of level) {
      if (picked.length === size) return picked;
      picked.push(candidate);
    }
  }
  return picked;
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
