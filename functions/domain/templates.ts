/** DESIGN §1: the three stages of a yearly cycle, each with an editable default prompt. */
export const templates = {
  "strategy-input": {
    label: "Strategy input",
    title: "Strategy input",
    prompt: "What are the most important things we should consider as we build next year's strategy?",
  },
  "launch-review": {
    label: "Launch review",
    title: "Launch review",
    prompt: "What could get in the way of this strategy succeeding, and what would help?",
  },
  "midyear-check": {
    label: "Midyear check",
    title: "Midyear check",
    prompt: "Where are we succeeding with our plan, and where are we falling short?",
  },
  custom: { label: "Custom question", title: "", prompt: "" },
} as const;

export type TemplateId = keyof typeof templates;
export const templateIds = Object.keys(templates) as [TemplateId, ...TemplateId[]];
