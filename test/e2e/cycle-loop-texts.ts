/**
 * Thoughts for the cycle end-to-end test, written the way people write them (no topic tags): the
 * real offline theme engine groups them. Pricing runs through all three stages, so its theme can
 * be followed from strategy input to the midyear check; the other topics change from stage to stage.
 */
export const stageThoughts: Record<
  "strategyInput" | "launchReview" | "midyearCheck",
  Record<string, string[]>
> = {
  strategyInput: {
    pricing: [
      "Our pricing is too complicated; customers cannot understand the price list without calling sales.",
      "Simplify pricing and the price list so customers understand what they pay.",
      "Pricing differs between regions and customers notice the unfair price list.",
      "Publish pricing and the price list on the website instead of asking for a quote.",
      "Competitors win small customers with simpler pricing and a shorter price list.",
      "Sales spends hours explaining pricing; a simple price list would speed up every deal.",
      "Pricing changes reach customers before support knows the new price list.",
      "Discounts make our pricing unpredictable; customers want one fair price list.",
    ],
    onboarding: [
      "New hires wait weeks for laptops and accounts; onboarding should be ready on day one.",
      "Onboarding documentation is out of date, so new hires ask the same questions again.",
      "Give every new hire an onboarding buddy for the first month.",
      "Onboarding differs between teams, so new hires get an uneven start.",
      "A short onboarding course on our products would help new hires contribute sooner.",
      "One shared onboarding checklist per role would make the first weeks of new hires smoother.",
      "Onboarding should introduce new hires to the people in other departments.",
      "Managers need time set aside for onboarding their new hires properly.",
    ],
    tooling: [
      "Our build pipeline takes forty minutes; faster builds would save engineers hours every week.",
      "Flaky tests in the build pipeline block releases for a whole day.",
      "Too many internal tools do the same job; retire the duplicate tools.",
      "Release automation would remove the manual deployment steps that break builds.",
      "Engineers need permission to fix internal tools instead of working around the tools.",
      "Alerting tools page the wrong team at night; route alerts to the owners of the tools.",
      "A faster build and test pipeline would let engineers release several times a day.",
      "Invest in developer tools: slow builds and flaky tests cost more than new features.",
    ],
  },
  launchReview: {
    pricing: [
      "The new pricing still confuses customers; the price list needs plainer names.",
      "If pricing changes again, customers will lose trust in our price list.",
      "Sales needs training on the new pricing before customers ask about the price list.",
      "Pricing for existing customers must be clear, or customers leave when the price list changes.",
      "The shorter price list helps, but pricing of add-ons is still hidden from customers.",
      "Support should see every pricing change before customers see the new price list.",
      "Regional pricing is still unfair; customers compare the price list across countries.",
      "A pricing calculator next to the price list would help customers choose.",
    ],
    meetings: [
      "Too many meetings leave no time to deliver the strategy; cancel recurring meetings.",
      "Status meetings could be written updates, freeing hours for real work.",
      "Meetings without an agenda waste the time the strategy needs.",
      "Remote colleagues miss decisions made in meetings at the office; write decisions down.",
      "Keep one meeting-free day a week so teams can focus on the plan.",
      "Leadership meetings should share decisions with everyone the same day.",
      "Cross-team meetings take too long; smaller meetings with clear owners would help.",
      "Meetings across time zones exclude people; record meetings and share notes.",
    ],
  },
  midyearCheck: {
    pricing: [
      "The simpler pricing works: customers understand the price list and deals close faster.",
      "Pricing on the website brought more small customers who read the price list themselves.",
      "Customers still ask about pricing of add-ons; put them on the price list too.",
      "Regional pricing differences are smaller, and customers complain less about the price list.",
      "Sales explains pricing in minutes now that the price list is short.",
      "Support learned about the last pricing change in time; keep sharing price list changes early.",
      "Pricing for large customers is still a negotiation; give them a price list too.",
      "The pricing calculator helps customers understand the price list.",
    ],
    hiring: [
      "Hiring is too slow; good candidates accept other offers while we wait.",
      "Hiring managers need help writing job descriptions that attract candidates.",
      "We are falling short on hiring engineers; the hiring process has too many interviews.",
      "Hiring targets were missed because recruiters cover too many roles.",
      "Referral bonuses would speed up hiring for hard roles.",
      "Hiring decisions take weeks; give candidates an answer within days.",
      "Diverse hiring panels would help us reach more candidates.",
      "Hiring plans should follow the strategy, not last year's budget.",
    ],
  },
};
