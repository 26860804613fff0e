import { DefaultStackSynthesizer, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { WebConfig } from "./web.js";

export interface SiteDeploymentProps {
  readonly buildDir: string;
  /** Written as /config.json beside the build; resolved from stack values at deploy time. */
  readonly config: WebConfig;
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.IDistribution;
}

/** Uploads the static build and /config.json, and invalidates CloudFront whenever a deploy changes them. */
export class SiteDeployment extends Construct {
  constructor(scope: Construct, id: string, props: SiteDeploymentProps) {
    super(scope, id);

    // Own role and log group: logs are kept a month and the role carries no AWS-managed policy.
    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    logGroup.grantWrite(role);
    new s3deploy.BucketDeployment(this, "Upload", {
      sources: [
        s3deploy.Source.asset(props.buildDir),
        // jsonData resolves the tokens (client id, issuer, domain) when the stack deploys.
        s3deploy.Source.jsonData("config.json", props.config),
      ],
      destinationBucket: props.bucket,
      distribution: props.distribution,
      distributionPaths: ["/*"],
      memoryLimit: 512,
      role,
      logGroup,
    });

    const stack = Stack.of(this);
    // The asset bucket's name embeds the bootstrap qualifier, which a company may have customised.
    const qualifier =
      this.node.tryGetContext("@aws-cdk/core:bootstrapQualifier") ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const siteBucketId = stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket);
    const reason =
      "Grants written by aws-cdk-lib's BucketDeployment: read the CDK asset bucket, sync the site " +
      "bucket's objects, and invalidate (it grants the CloudFront invalidation actions on *).";
    for (const finding of [
      "Action::s3:GetObject*",
      "Action::s3:GetBucket*",
      "Action::s3:List*",
      "Action::s3:DeleteObject*",
      "Action::s3:Abort*",
      `Resource::<${siteBucketId}.Arn>/*`,
      `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`,
      "Resource::*",
    ]) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    // The upload function is a stack-level singleton, outside this construct.
    for (const child of stack.node.children) {
      if (child.node.id.startsWith("Custom::CDKBucketDeployment")) {
        Validations.of(child).acknowledge({
          id: "AwsSolutions-L1",
          reason: "Deploy-time helper from aws-cdk-lib; its runtime follows the aws-cdk-lib version.",
        });
      }
    }
  }
}
