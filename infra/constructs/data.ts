import { RemovalPolicy, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { table as declaration, type KeyAttribute } from "../../functions/db/table.js";

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === "N" ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
});

/** The declaration's projection ("ALL", "KEYS_ONLY" or a list of attributes) in CDK terms. */
const projection = (p: "ALL" | "KEYS_ONLY" | readonly string[]) =>
  p === "ALL"
    ? { projectionType: dynamodb.ProjectionType.ALL }
    : p === "KEYS_ONLY"
      ? { projectionType: dynamodb.ProjectionType.KEYS_ONLY }
      : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...p] };

/** The single-table store and the author-key HMAC secret: everything that must outlive a redeploy. */
export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly authorKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Keys, TTL and indexes come only from functions/db/table.ts, which the local bootstrap also uses.
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: attribute(declaration.partitionKey),
      sortKey: attribute(declaration.sortKey),
      timeToLiveAttribute: declaration.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // A conversation's history is the product: never drop it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of declaration.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        ...projection(index.projection),
      });
    }

    this.authorKeySecret = new secretsmanager.Secret(this, "AuthorKeySecret", {
      description: "HMAC key that derives per-conversation pseudonymous author keys",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing it would unlink every author from their thoughts; keep it with the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.authorKeySecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Author keys are HMACs of this secret and are stored on thoughts; rotating it would unlink " +
        "every author from what they wrote, so the key is deliberately long-lived.",
    });
  }
}
