export { type ComputeThemesOptions, computeThemes } from "./engine.js";
export { detectFormat, InputError, type InputFormat, parseThoughts } from "./input.js";
export { renderThemeReportMarkdown } from "./markdown.js";
export { adjustedRandIndex, normalizedMutualInformation } from "./metrics.js";
export {
  type Theme,
  type ThemeInputItem,
  type ThemeReport,
  themeInputItemSchema,
  themeReportSchema,
  themeSchema,
} from "./schema.js";
