import { api, call } from "$lib/api";

/** One page of the report's ranked thoughts, for the whole conversation or one released segment. */
export const fetchReportPage = (conversationId: string, segmentKey: string, pageNumber: number) =>
  call(
    api.conversations[":id"].report.$get({
      param: { id: conversationId },
      query: {
        ...(segmentKey && { segment: segmentKey }),
        ...(pageNumber > 0 && { page: String(pageNumber) }),
      },
    }),
  );
