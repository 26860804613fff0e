import type { InferResponseType } from "hono/client";
import type { api } from "./api";

/** A conversation as the API returns it, with the caller's progress (`me`) and, for staff, `counts`. */
export type ConversationView = InferResponseType<(typeof api.conversations)[":id"]["$get"], 200>;
export type ConversationState = ConversationView["state"];
export type Settings = ConversationView["settings"];
export type Audience = ConversationView["audience"];
export type Schedule = NonNullable<ConversationView["schedule"]>;
export type MyThought = InferResponseType<
  (typeof api.conversations)[":id"]["thoughts"]["mine"]["$get"],
  200
>["thoughts"][number];
export type RatingBatch = InferResponseType<(typeof api.conversations)[":id"]["rating-batch"]["$get"], 200>;
export type DirectoryPerson = InferResponseType<typeof api.directory.$get, 200>["people"][number];
export type ImportReport = InferResponseType<typeof api.directory.import.$post, 200>;
