/**
 * A person's ratings against their target, in words: "12 of 20 rated" until the target is
 * reached, then "28 rated (target 20 reached)" — never "28 of 20".
 */
export function ratedText(rated: number, target: number): string {
  return rated < target ? `${rated} of ${target} rated` : `${rated} rated (target ${target} reached)`;
}
