import type { PersonFinder } from "./screen-names.js";

/**
 * Person names by compromise's part-of-speech tagger (its "two" build: the tagger without the
 * sentence-level plugins, ~295 kB minified, ~120 kB gzipped). Loaded on first use, on the server
 * and in the browser alike: the API's cold start and the web app's first load do not pay for it.
 * The web app's share box calls this when someone starts typing.
 */
let loading: Promise<PersonFinder> | undefined;

export function loadPersonFinder(): Promise<PersonFinder> {
  loading ??= import("compromise/two").then(({ default: nlp }) => {
    const finder: PersonFinder = (text) => nlp(text).match("#Person+").out("array") as string[];
    return finder;
  });
  // A failed load (a network blip in the browser) is tried again next time, not remembered.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
