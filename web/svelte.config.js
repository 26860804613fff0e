import adapter from "@sveltejs/adapter-static";

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // A single-page app: the Node server (and CloudFront in AWS) answers unknown paths with index.html.
    adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    alias: {
      // Pure domain modules shared with the API (screening rules, templates, lifecycle).
      $domain: "../functions/domain",
    },
  },
};

export default config;
