import { createHash, randomUUID } from "node:crypto";
import type { LambdaEvent } from "hono/aws-lambda";
import type { SnsEvent } from "../../functions/notify/suppression.js";
import type { SqsEvent } from "../../functions/workers/sqs-event.js";

/** Events as the AWS services deliver them to Lambda, for handler tests. */

/** An API Gateway HTTP API (payload format 2.0) event, as the service sends it. */
export function httpApiEvent(
  method: string,
  path: string,
  init: { token?: string; body?: unknown; query?: string; headers?: Record<string, string> } = {},
) {
  // A string is sent as it is (a CSV upload); anything else as JSON.
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === "string"
        ? init.body
        : JSON.stringify(init.body);
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: path,
    rawQueryString: init.query ?? "",
    cookies: [],
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      host: "abc123.execute-api.eu-central-1.amazonaws.com",
      "user-agent": "vitest",
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-proto": "https",
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...(method === "POST" && { "idempotency-key": randomUUID() }),
      ...init.headers,
    },
    queryStringParameters: init.query ? Object.fromEntries(new URLSearchParams(init.query)) : undefined,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-central-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: "21/Nov/2026:10:00:00 +0000",
      timeEpoch: Date.now(),
    },
    pathParameters: { proxy: path.replace(/^\/api\//, "") },
    body,
    isBase64Encoded: false,
  } as unknown as LambdaEvent;
}

/** One record per body, as Lambda's SQS poller delivers it. */
export function sqsEvent(queue: string, bodies: readonly string[], receiveCount = 1): SqsEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: `AQEB${randomUUID().replaceAll("-", "")}`,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: "AROAEXAMPLE:api",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:eu-central-1:123456789012:${queue}`,
      awsRegion: "eu-central-1",
    })),
  };
}

/** One record per message, as SNS delivers a topic's messages to a Lambda subscription. */
export function snsEvent(topic: string, messages: readonly string[]): SnsEvent {
  const topicArn = `arn:aws:sns:eu-central-1:123456789012:${topic}`;
  return {
    Records: messages.map((Message) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
      Sns: {
        Type: "Notification",
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Subject: null,
        Message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl: "https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-example.pem",
        UnsubscribeUrl: "https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe",
        MessageAttributes: {},
      },
    })),
  };
}
