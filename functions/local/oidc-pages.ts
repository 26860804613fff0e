/**
 * The few pages the local OpenID provider renders itself (sign-out confirmation, its errors), in
 * the web app's look: same colours, type and buttons (web/src/app.css). The login screen is the
 * web app's own page, so it is not here.
 */

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

const style = `
:root{--bg:#f5f4ef;--surface:#fff;--text:#1b2426;--muted:#4b585c;--border:#d3d8d4;--accent:#1d5c63;
--accent-strong:#143f44;--focus:#0a58ca;--radius:10px}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
line-height:1.55;color:var(--text);background:var(--bg)}
header{background:var(--surface);border-bottom:1px solid var(--border);padding:.75rem 1rem;font-weight:700;
font-size:1.15rem;display:flex;align-items:center;gap:.5rem}
main{max-width:32rem;margin:2rem auto;padding:0 1rem}
.card{background:var(--surface);border:1px solid var(--border);border-radius:var(--radius);padding:1.5rem;
box-shadow:0 1px 2px rgb(20 40 40/6%),0 2px 8px rgb(20 40 40/6%)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
p{margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem}
button,.button{font:inherit;font-weight:600;padding:.55rem 1.1rem;border-radius:6px;border:1px solid var(--accent);
background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:var(--surface);color:var(--accent-strong)}
button:focus-visible,.button:focus-visible,a:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
`;

const logo = `<svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
<rect width="32" height="32" rx="7" fill="#1d5c63"/>
<path d="M4 21c4-6 8-6 12 0s8 6 12 0" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/>
<path d="M4 13c4-6 8-6 12 0s8 6 12 0" fill="none" stroke="#9fd3c7" stroke-width="3" stroke-linecap="round"/>
</svg>`;

function page(title: string, body: string, script = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Groundswell</title><style>${style}</style></head>
<body><header>${logo}<span>Groundswell</span></header>
<main><div class="card">${body}</div></main>${script}</body></html>`;
}

/**
 * The provider asks before ending its session. When the request carries the app's ID token (the
 * app's own Sign out button), the page confirms by itself; the buttons stay for anyone else.
 */
export function logoutPage(form: string, fromApp: boolean): string {
  const body = `<h1>${fromApp ? "Signing you out…" : "Sign out of Groundswell?"}</h1>
<p>This ends your session on this local install.</p>${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>`;
  const script = fromApp
    ? `<script>(()=>{const f=document.getElementById("op.logoutForm");const i=document.createElement("input");
i.type="hidden";i.name="logout";i.value="yes";f.append(i);f.submit();})();</script>`
    : "";
  return page("Sign out", body, script);
}

export function signedOutPage(): string {
  return page(
    "Signed out",
    `<h1>You have signed out</h1><p><a class="button" href="/signin">Sign in again</a></p>`,
  );
}

const plainErrors: Record<string, string> = {
  invalid_request: "The sign-in request was not valid.",
  invalid_client: "This app is not known to the sign-in service.",
  invalid_redirect_uri: "This address is not allowed to receive sign-ins.",
  access_denied: "Sign-in was cancelled.",
  login_required: "You need to sign in first.",
  server_error: "Something went wrong in the sign-in service.",
};

export function errorPage(error: string, description: string): string {
  const summary = plainErrors[error] ?? "Sign-in could not continue.";
  return page(
    "Sign-in problem",
    `<h1>Sign-in could not continue</h1><p>${escapeHtml(summary)}</p>
${description ? `<p>Details: <code>${escapeHtml(description)}</code></p>` : ""}
<p><a class="button" href="/signin">Back to sign-in</a></p>`,
  );
}
