import { describe, expect, it } from "vitest";
import {
  acceptsRatings,
  acceptsThoughts,
  allowedTransitions,
  assertTransition,
  conversationStates,
  hasReport,
  hasResponses,
  responsesWritable,
  visibleToParticipants,
} from "../../functions/domain/lifecycle.js";
import { ConflictError } from "../../functions/errors.js";

describe("conversation lifecycle", () => {
  it("walks the happy path draft → published → archived", () => {
    const path = ["draft", "sharing", "rating", "closed", "published", "archived"] as const;
    for (let i = 1; i < path.length; i++)
      expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
  });

  it("refuses skipping, going back after opening, and staying put", () => {
    expect(() => assertTransition("draft", "rating")).toThrow(ConflictError);
    expect(() => assertTransition("rating", "sharing")).toThrow(ConflictError);
    expect(() => assertTransition("closed", "rating")).toThrow(/cannot move from closed to rating/);
    expect(() => assertTransition("sharing", "sharing")).toThrow(/already sharing/);
    expect(allowedTransitions("archived")).toEqual([]);
  });

  it("lets a scheduled conversation open early or go back to draft", () => {
    expect(allowedTransitions("scheduled")).toEqual(["draft", "sharing"]);
  });

  it("takes thoughts only while sharing and ratings while sharing or rating", () => {
    expect(conversationStates.filter(acceptsThoughts)).toEqual(["sharing"]);
    expect(conversationStates.filter(acceptsRatings)).toEqual(["sharing", "rating"]);
  });

  it("opens to participants at sharing, has a report from rating, takes responses only when closed", () => {
    expect(conversationStates.filter(visibleToParticipants)).toEqual([
      "sharing",
      "rating",
      "closed",
      "published",
      "archived",
    ]);
    expect(conversationStates.filter(hasReport)).toEqual(["rating", "closed", "published", "archived"]);
    expect(conversationStates.filter(responsesWritable)).toEqual(["closed"]);
    expect(conversationStates.filter(hasResponses)).toEqual(["closed", "published", "archived"]);
  });
});
