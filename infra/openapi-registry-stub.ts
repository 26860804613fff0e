/**
 * What @hono/zod-openapi imports instead of @asteasolutions/zod-to-openapi inside a Lambda bundle
 * (infra/bundle.ts, `openApiAtBuildPlugin`). The document is generated when the bundle is built,
 * so at run time the registry only has to accept what the routes register, and `.openapi()` on a
 * zod schema (example values for the document) only has to return the schema. Request
 * validation is @hono/zod-openapi's own (zod through @hono/zod-validator) and is unchanged.
 */
export class OpenAPIRegistry {
  readonly definitions: never[] = [];
  registerPath(): void {}
  registerComponent(): void {}
  registerWebhook(): void {}
  register<T>(_refId: unknown, schema: T): T {
    return schema;
  }
  registerParameter<T>(_refId: unknown, schema: T): T {
    return schema;
  }
}

function generatedAtBuild(): never {
  throw new Error("The OpenAPI document of a Lambda bundle is generated when it is built (infra/bundle.ts).");
}

export class OpenApiGeneratorV3 {
  constructor() {
    generatedAtBuild();
  }
}

export class OpenApiGeneratorV31 {
  constructor() {
    generatedAtBuild();
  }
}

/**
 * An enumerable own property, as zod-to-openapi sets it: zod 4 copies the enumerable members of
 * ZodType's prototype onto each schema it creates.
 */
export function extendZodWithOpenApi(zod: { ZodType: { prototype: object } }): void {
  Object.assign(zod.ZodType.prototype, {
    openapi(this: unknown) {
      return this;
    },
  });
}

export function getOpenApiMetadata(): Record<string, never> {
  return {};
}
