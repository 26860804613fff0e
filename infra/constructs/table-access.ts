import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IndexName } from "../../functions/db/table.js";

export interface TableAccess {
  /** Item-level actions on the table itself (transactions need the per-item actions they contain). */
  readonly actions: readonly `dynamodb:${string}`[];
  /** Indexes the grantee Queries; each is named, so no `index/*` wildcard is needed. */
  readonly queryIndexes?: readonly IndexName[];
}

/** Exactly the DynamoDB actions a background function uses, on the table and the indexes it reads. */
export function grantTableAccess(table: dynamodb.Table, grantee: iam.IGrantable, access: TableAccess) {
  iam.Grant.addToPrincipal({ grantee, actions: [...access.actions], resourceArns: [table.tableArn] });
  const indexes = access.queryIndexes ?? [];
  if (indexes.length > 0) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ["dynamodb:Query"],
      resourceArns: indexes.map((name) => `${table.tableArn}/index/${name}`),
    });
  }
}
